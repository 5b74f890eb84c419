using System.Text;

namespace SemanticRouter.Signals.Pii;

/// <summary>
/// Puts original values back in place of placeholders. For streams it holds back a trailing fragment that could
/// still become a placeholder (<c>"[PERS"</c> at the end of one chunk, <c>"ON_1]"</c> in the next) until it is
/// complete or provably not one, so a placeholder split across chunks is still restored.
/// </summary>
internal sealed class PlaceholderRestorer(IReadOnlyDictionary<string, string> originals, int maxPlaceholderLength)
{
    private readonly Dictionary<int, StringBuilder> _pending = [];

    public string RestoreAll(string text)
    {
        if (text.IndexOf('[', StringComparison.Ordinal) < 0)
        {
            return text;
        }

        var sb = new StringBuilder(text);
        foreach (var (placeholder, value) in originals)
        {
            sb.Replace(placeholder, value);
        }

        return sb.ToString();
    }

    /// <summary>Feeds one streamed fragment of choice <paramref name="choice"/>; returns what can be sent now.</summary>
    public string Push(int choice, string fragment)
    {
        if (!_pending.TryGetValue(choice, out var buffer))
        {
            buffer = _pending[choice] = new StringBuilder();
        }

        buffer.Append(fragment);
        var text = buffer.ToString();
        var hold = HoldFrom(text);
        buffer.Clear().Append(text, hold, text.Length - hold);
        return RestoreAll(text[..hold]);
    }

    /// <summary>Releases whatever a choice still holds (its stream finished).</summary>
    public string Flush(int choice)
    {
        if (!_pending.Remove(choice, out var buffer))
        {
            return string.Empty;
        }

        return RestoreAll(buffer.ToString());
    }

    /// <summary>Index from which the tail might be an incomplete placeholder (text.Length when nothing is held).</summary>
    private int HoldFrom(string text)
    {
        var open = text.LastIndexOf('[');
        if (open < 0 || text.IndexOf(']', open) >= 0 || text.Length - open >= maxPlaceholderLength)
        {
            return text.Length;
        }

        var tail = text.AsSpan(open);
        foreach (var placeholder in originals.Keys)
        {
            if (placeholder.AsSpan().StartsWith(tail, StringComparison.Ordinal))
            {
                return open;
            }
        }

        return text.Length;
    }
}
