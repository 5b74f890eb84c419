namespace SemanticRouter.Signals.Pii;

/// <summary>
/// Per-request placeholder table for mask_and_restore: the same value always gets the same placeholder
/// (<c>[PERSON_1]</c>, <c>[EMAIL_ADDRESS_2]</c>…), so the model can refer to it consistently and the answer can be restored.
/// </summary>
internal sealed class PiiMasker
{
    private readonly Dictionary<string, string> _byValue = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _byPlaceholder = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _counters = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, string> Originals => _byPlaceholder;

    public int MaxPlaceholderLength { get; private set; }

    public string PlaceholderFor(string type, string value)
    {
        var key = type + "\u0000" + value;
        if (_byValue.TryGetValue(key, out var existing))
        {
            return existing;
        }

        var n = _counters[type] = _counters.GetValueOrDefault(type) + 1;
        var placeholder = "[" + type + "_" + n.ToString(System.Globalization.CultureInfo.InvariantCulture) + "]";
        _byValue[key] = placeholder;
        _byPlaceholder[placeholder] = value;
        MaxPlaceholderLength = Math.Max(MaxPlaceholderLength, placeholder.Length);
        return placeholder;
    }

    /// <summary>Rewrites <paramref name="text"/> with each entity replaced by <paramref name="replacement"/>'s result.</summary>
    public static string Replace(string text, IReadOnlyList<PiiEntity> entities, Func<PiiEntity, string> replacement)
    {
        if (entities.Count == 0)
        {
            return text;
        }

        var sb = new System.Text.StringBuilder(text.Length);
        var at = 0;
        foreach (var e in entities.OrderBy(e => e.Start))
        {
            if (e.Start < at)
            {
                continue;
            }

            sb.Append(text, at, e.Start - at).Append(replacement(e));
            at = e.End;
        }

        return sb.Append(text, at, text.Length - at).ToString();
    }
}
