using System.Globalization;
using System.Reflection;

namespace SemanticRouter.Inference.Tokenization;

/// <summary>
/// Character classes as the reference tokenizer (transformers.js) defines them, plus canonical decomposition.
/// .NET's own normalisation is a no-op under InvariantGlobalization, so NFD comes from an embedded table.
/// </summary>
internal static class UnicodeData
{
    private static readonly Lazy<Dictionary<int, int[]>> Decompositions = new(LoadDecompositions);

    /// <summary>BERT's "control": categories Cc, Cf, Co, Cs, except tab, newline and carriage return.</summary>
    public static bool IsControl(int cp)
    {
        if (cp is '\t' or '\n' or '\r')
        {
            return false;
        }

        var category = CharUnicodeInfo.GetUnicodeCategory(cp);
        return category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.PrivateUse or UnicodeCategory.Surrogate;
    }

    /// <summary>JavaScript's <c>\s</c> class (what the reference's clean-up turns into a space).</summary>
    public static bool IsJsWhitespace(int cp) => cp switch
    {
        '\t' or '\n' or '\v' or '\f' or '\r' or ' ' or 0x00A0 or 0x1680 or 0x2028 or 0x2029 or 0x202F or 0x205F or 0x3000 or 0xFEFF => true,
        >= 0x2000 and <= 0x200A => true,
        _ => false,
    };

    /// <summary>BERT punctuation: the ASCII punctuation ranges or any Unicode P* category.</summary>
    public static bool IsPunctuation(int cp)
    {
        if (cp < 0x80)
        {
            return cp is (>= 0x21 and <= 0x2F) or (>= 0x3A and <= 0x40) or (>= 0x5B and <= 0x60) or (>= 0x7B and <= 0x7E);
        }

        var category = CharUnicodeInfo.GetUnicodeCategory(cp);
        return category is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation or UnicodeCategory.OpenPunctuation
            or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation or UnicodeCategory.FinalQuotePunctuation
            or UnicodeCategory.OtherPunctuation;
    }

    /// <summary>The CJK ranges BERT spaces out; the reference checks UTF-16 units, so only BMP ranges count.</summary>
    public static bool IsChineseBmp(int unit) => unit is (>= 0x4E00 and <= 0x9FFF) or (>= 0x3400 and <= 0x4DBF) or (>= 0xF900 and <= 0xFAFF);

    public static bool IsNonSpacingMark(int cp) => CharUnicodeInfo.GetUnicodeCategory(cp) == UnicodeCategory.NonSpacingMark;

    /// <summary>Appends the canonical decomposition (NFD) of one code point.</summary>
    public static void Decompose(int cp, List<int> output)
    {
        const int SBase = 0xAC00, LBase = 0x1100, VBase = 0x1161, TBase = 0x11A7, VCount = 21, TCount = 28, SCount = 11172;
        var s = cp - SBase;
        if (s is >= 0 and < SCount)
        {
            output.Add(LBase + (s / (VCount * TCount)));
            output.Add(VBase + (s % (VCount * TCount) / TCount));
            if (s % TCount != 0)
            {
                output.Add(TBase + (s % TCount));
            }

            return;
        }

        if (Decompositions.Value.TryGetValue(cp, out var parts))
        {
            output.AddRange(parts);
        }
        else
        {
            output.Add(cp);
        }
    }

    private static Dictionary<int, int[]> LoadDecompositions()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("SemanticRouter.Inference.UnicodeDecompositions.txt")
            ?? throw new InvalidOperationException("embedded UnicodeDecompositions.txt is missing");
        using var reader = new StreamReader(stream);
        var map = new Dictionary<int, int[]>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var fields = line.Split(' ');
            map[int.Parse(fields[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture)] =
                fields.Skip(1).Select(f => int.Parse(f, NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToArray();
        }

        return map;
    }
}
