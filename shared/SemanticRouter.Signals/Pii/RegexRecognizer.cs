using System.Text.RegularExpressions;

namespace SemanticRouter.Signals.Pii;

/// <summary>Regex candidates, each checked by <see cref="IsValid"/>; regexes carry a timeout so hostile input cannot stall a request.</summary>
internal abstract class RegexRecognizer(string type, Regex pattern) : IPiiRecognizer
{
    internal static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(250);

    public string Type { get; } = type;

    protected virtual double Score => 1.0;

    public void Recognize(string text, List<PiiEntity> found)
    {
        try
        {
            for (var m = pattern.Match(text); m.Success; m = m.NextMatch())
            {
                var g = m.Groups["v"].Success ? m.Groups["v"] : (Group)m;
                if (IsValid(text, g.Index, g.Length))
                {
                    found.Add(new PiiEntity(Type, g.Index, g.Index + g.Length, Score, Type.ToLowerInvariant()));
                }
            }
        }
        catch (RegexMatchTimeoutException)
        {
            // Give up on this type for this text rather than stall routing.
        }
    }

    protected abstract bool IsValid(string text, int start, int length);

    protected static int CountDigits(ReadOnlySpan<char> s)
    {
        var n = 0;
        foreach (var c in s)
        {
            if (char.IsAsciiDigit(c))
            {
                n++;
            }
        }

        return n;
    }

    /// <summary>True when one of <paramref name="words"/> occurs within <paramref name="window"/> characters before the span.</summary>
    protected static bool HasContext(string text, int start, int window, params string[] words)
    {
        var from = Math.Max(0, start - window);
        var before = text.AsSpan(from, start - from);
        foreach (var w in words)
        {
            if (before.Contains(w, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
