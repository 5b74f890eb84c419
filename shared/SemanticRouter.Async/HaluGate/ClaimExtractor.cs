using System.Globalization;
using System.Text.RegularExpressions;

namespace SemanticRouter.Async.HaluGate;

/// <summary>
/// Finds claims in text without a model: quantities (with thousands separators, scale words and
/// normalised units), years and month names, capitalised name sequences (skipping ordinary
/// sentence-initial words), and key phrases (runs of content words).
/// </summary>
internal static partial class ClaimExtractor
{
    private static readonly HashSet<string> Connectors = new(StringComparer.Ordinal) { "of", "de", "la", "le", "von", "van", "der", "del", "da", "du", "the", "and", "&" };

    internal static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "a", "an", "the", "and", "or", "but", "nor", "so", "yet", "if", "then", "than", "that", "this", "these", "those", "there", "here",
        "of", "to", "in", "on", "at", "by", "for", "with", "from", "into", "onto", "over", "under", "about", "after", "before", "during",
        "between", "through", "while", "since", "until", "as", "is", "are", "was", "were", "be", "been", "being", "it", "its", "they",
        "them", "their", "he", "she", "his", "her", "him", "we", "our", "you", "your", "i", "my", "me", "what", "which", "who", "whom",
        "whose", "when", "where", "why", "how", "all", "any", "both", "each", "few", "more", "most", "other", "some", "such", "no", "not",
        "only", "own", "same", "too", "very", "can", "will", "just", "should", "would", "could", "may", "might", "must", "shall", "do",
        "does", "did", "has", "have", "had", "also", "however", "therefore", "thus", "although", "because", "many", "much", "one",
        "overall", "first", "second", "third", "finally", "additionally", "furthermore", "moreover", "yes", "sure", "certainly", "well",
        "today", "according", "based", "while", "whereas", "often", "usually", "generally", "typically", "approximately", "about", "around",
        "nearly", "almost", "over", "under", "up", "down", "out", "off", "again", "further", "once", "every", "another", "either", "neither",
        "note", "example", "examples", "answer", "question", "context", "step", "steps", "it's", "let's", "in", "on",
    };

    private static readonly Dictionary<string, string> Units = new(StringComparer.OrdinalIgnoreCase)
    {
        ["%"] = "%",
        ["percent"] = "%",
        ["per cent"] = "%",
        ["percentage points"] = "%",
        ["m"] = "m",
        ["meter"] = "m",
        ["meters"] = "m",
        ["metre"] = "m",
        ["metres"] = "m",
        ["km"] = "km",
        ["kilometer"] = "km",
        ["kilometers"] = "km",
        ["kilometre"] = "km",
        ["kilometres"] = "km",
        ["cm"] = "cm",
        ["mm"] = "mm",
        ["ft"] = "ft",
        ["feet"] = "ft",
        ["foot"] = "ft",
        ["inch"] = "in",
        ["inches"] = "in",
        ["mi"] = "mi",
        ["mile"] = "mi",
        ["miles"] = "mi",
        ["kg"] = "kg",
        ["kilogram"] = "kg",
        ["kilograms"] = "kg",
        ["g"] = "g",
        ["gram"] = "g",
        ["grams"] = "g",
        ["tonne"] = "t",
        ["tonnes"] = "t",
        ["ton"] = "t",
        ["tons"] = "t",
        ["lb"] = "lb",
        ["lbs"] = "lb",
        ["pound"] = "lb",
        ["pounds"] = "lb",
        ["year"] = "year",
        ["years"] = "year",
        ["month"] = "month",
        ["months"] = "month",
        ["week"] = "week",
        ["weeks"] = "week",
        ["day"] = "day",
        ["days"] = "day",
        ["hour"] = "hour",
        ["hours"] = "hour",
        ["minute"] = "min",
        ["minutes"] = "min",
        ["min"] = "min",
        ["second"] = "s",
        ["seconds"] = "s",
        ["ms"] = "ms",
        ["°c"] = "°C",
        ["°f"] = "°F",
        ["degrees"] = "deg",
        ["degree"] = "deg",
        ["people"] = "people",
        ["persons"] = "people",
        ["inhabitants"] = "people",
        ["residents"] = "people",
        ["employees"] = "people",
        ["staff"] = "people",
        ["workers"] = "people",
        ["$"] = "$",
        ["usd"] = "$",
        ["dollars"] = "$",
        ["dollar"] = "$",
        ["€"] = "€",
        ["eur"] = "€",
        ["euros"] = "€",
        ["euro"] = "€",
        ["£"] = "£",
        ["gbp"] = "£",
        ["mph"] = "mph",
        ["km/h"] = "km/h",
        ["gb"] = "GB",
        ["mb"] = "MB",
        ["tb"] = "TB",
        ["ghz"] = "GHz",
        ["mhz"] = "MHz",
        ["kw"] = "kW",
        ["calories"] = "kcal",
        ["kcal"] = "kcal",
        ["floors"] = "floors",
        ["storeys"] = "floors",
        ["stories"] = "floors",
    };

    private static readonly Dictionary<string, double> Scales = new(StringComparer.OrdinalIgnoreCase)
    {
        ["thousand"] = 1e3,
        ["million"] = 1e6,
        ["billion"] = 1e9,
        ["trillion"] = 1e12,
        ["bn"] = 1e9,
        ["mn"] = 1e6,
    };

    private static readonly HashSet<string> Months = new(StringComparer.Ordinal)
    {
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
    };

    [GeneratedRegex(@"(?<cur>[$€£])?(?<num>(?<![\w.,])\d{1,3}(?:,\d{3})+(?:\.\d+)?|(?<![\w.,])\d+(?:\.\d+)?)(?!\.\d)(?:\s?(?<scale>thousand|million|billion|trillion|bn|mn)\b)?(?:\s?(?<unit>%|per ?cent|percentage points|°[CF]|km/h|[a-zA-Z]+))?", RegexOptions.CultureInvariant)]
    private static partial Regex NumberPattern();

    [GeneratedRegex(@"[\p{L}][\p{L}\p{Mn}'’\-]*|\d+(?:[.,]\d+)*|&", RegexOptions.CultureInvariant)]
    private static partial Regex WordPattern();

    [GeneratedRegex(@"```.*?```", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex CodeBlockPattern();

    /// <summary>Quantities and years.</summary>
    public static List<Claim> Numbers(string text)
    {
        var claims = new List<Claim>();
        foreach (Match m in NumberPattern().Matches(text))
        {
            var numText = m.Groups["num"].Value;
            if (IsListMarker(text, m.Groups["num"].Index, numText.Length))
            {
                continue;
            }

            if (!double.TryParse(numText.Replace(",", string.Empty, StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                continue;
            }

            var decimals = numText.Contains('.', StringComparison.Ordinal) ? numText.Length - numText.IndexOf('.', StringComparison.Ordinal) - 1 : 0;
            var scale = m.Groups["scale"].Success && Scales.TryGetValue(m.Groups["scale"].Value, out var s) ? s : 1;
            string? unit = null;
            var end = m.Groups["scale"].Success ? m.Groups["scale"].Index + m.Groups["scale"].Length : m.Groups["num"].Index + numText.Length;
            if (m.Groups["cur"].Success)
            {
                unit = Units[m.Groups["cur"].Value];
            }
            else if (m.Groups["unit"].Success && Units.TryGetValue(m.Groups["unit"].Value.Replace(" ", string.Empty, StringComparison.Ordinal) is "percent" ? "%" : m.Groups["unit"].Value, out var u))
            {
                unit = u;
                end = m.Groups["unit"].Index + m.Groups["unit"].Length;
            }

            var start = m.Groups["cur"].Success ? m.Groups["cur"].Index : m.Groups["num"].Index;
            var isYear = unit is null && decimals == 0 && scale == 1 && !numText.Contains(',', StringComparison.Ordinal) && value is >= 1000 and <= 2100;
            claims.Add(new Claim(start, end, text[start..end], isYear ? "date" : "number", value * scale, Math.Pow(10, -decimals) * scale, isYear ? "year" : unit));
        }

        return claims;
    }

    /// <summary>Capitalised name sequences and month names, with a lower-cased normalised form.</summary>
    public static List<Claim> Entities(string text, Func<string, bool> occursLowercase)
    {
        var claims = new List<Claim>();
        var words = WordPattern().Matches(text);
        var i = 0;
        while (i < words.Count)
        {
            var w = words[i].Value;
            if (!IsCapitalized(w))
            {
                i++;
                continue;
            }

            var first = i;
            var last = i;
            var j = i + 1;
            while (j < words.Count && Adjacent(text, words[j - 1], words[j]))
            {
                if (IsCapitalized(words[j].Value))
                {
                    last = j;
                    j++;
                }
                else if (Connectors.Contains(words[j].Value) && j + 1 < words.Count && IsCapitalized(words[j + 1].Value) && Adjacent(text, words[j], words[j + 1]))
                {
                    j++;
                }
                else
                {
                    break;
                }
            }

            // An ordinary word capitalised only because it starts a sentence is not a name.
            while (first <= last && SentenceInitial(text, words[first].Index) && IsOrdinary(words[first].Value, occursLowercase))
            {
                first++;
                while (first <= last && Connectors.Contains(words[first].Value))
                {
                    first++;
                }
            }

            if (first <= last)
            {
                var start = words[first].Index;
                var end = words[last].Index + words[last].Length;
                var span = text[start..end];
                var lower = Normalize(span);
                var kind = first == last && Months.Contains(lower) ? "date" : "entity";
                if (!(first == last && (lower.Length < 2 || lower is "i" || StopWords.Contains(lower))))
                {
                    claims.Add(new Claim(start, end, span, kind, Normalized: lower));
                }
            }

            i = j;
        }

        return claims;
    }

    /// <summary>Runs of two or more content words (no stop words, no names), lower-case.</summary>
    public static List<Claim> Phrases(string text)
    {
        var claims = new List<Claim>();
        var words = WordPattern().Matches(text);
        var runStart = -1;
        for (var i = 0; i <= words.Count; i++)
        {
            var content = i < words.Count
                && (runStart < 0 || Adjacent(text, words[i - 1], words[i]))
                && words[i].Value.Length >= 4
                && char.IsLower(words[i].Value[0])
                && !StopWords.Contains(words[i].Value.ToLowerInvariant());
            if (content && runStart < 0)
            {
                runStart = i;
            }
            else if (!content && runStart >= 0)
            {
                if (i - runStart >= 2)
                {
                    var start = words[runStart].Index;
                    var end = words[i - 1].Index + words[i - 1].Length;
                    claims.Add(new Claim(start, end, text[start..end], "phrase", Normalized: text[start..end].ToLowerInvariant()));
                }

                runStart = content ? i : -1;
            }
        }

        return claims;
    }

    /// <summary>Lower-case word tokens of a text (for grounding lookups).</summary>
    public static IEnumerable<(string Word, int Index)> Words(string text)
    {
        foreach (Match m in WordPattern().Matches(text))
        {
            yield return (Normalize(m.Value), m.Index);
        }
    }

    public static string StripCode(string text) => CodeBlockPattern().Replace(text, m => new string(' ', m.Length));

    public static string Normalize(string s)
    {
        var lower = s.ToLowerInvariant().Replace('’', '\'');
        if (lower.EndsWith("'s", StringComparison.Ordinal))
        {
            lower = lower[..^2];
        }

        return lower.Trim('-', '\'');
    }

    /// <summary>A cheap stem so "towers"/"tower" and "located"/"location" meet: the first 5 letters of longer words.</summary>
    public static string Stem(string word) => word.Length > 5 ? word[..5] : word;

    private static bool IsCapitalized(string w) =>
        w.Length >= 1 && char.IsUpper(w[0]) && (w.Length == 1 ? false : w.Skip(1).Any(char.IsLetter));

    private static bool IsOrdinary(string w, Func<string, bool> occursLowercase)
    {
        var lower = w.ToLowerInvariant();
        return StopWords.Contains(lower) || occursLowercase(lower) || (w.Length > 1 && w.Skip(1).All(char.IsLower) && CommonStarters.Contains(lower));
    }

    private static readonly HashSet<string> CommonStarters = new(StringComparer.Ordinal)
    {
        "yes", "no", "sure", "based", "according", "overall", "in", "the", "this", "it", "there", "here", "some", "many", "most", "these",
    };

    private static bool Adjacent(string text, Match a, Match b)
    {
        // Same phrase only when separated by plain spaces (a comma, period or newline ends a name).
        for (var k = a.Index + a.Length; k < b.Index; k++)
        {
            if (text[k] != ' ')
            {
                return false;
            }
        }

        return true;
    }

    private static bool SentenceInitial(string text, int index)
    {
        for (var k = index - 1; k >= 0; k--)
        {
            var c = text[k];
            if (c is ' ' or '\t' or '"' or '\'' or '(' or '*' or '“' or '#' or '-' or '•')
            {
                continue;
            }

            return c is '.' or '!' or '?' or '\n' or ':' or ';' || (char.IsDigit(c) && k + 1 < text.Length && text[k + 1] is '.' or ')');
        }

        return true;
    }

    private static bool IsListMarker(string text, int index, int length)
    {
        var after = index + length;
        if (after >= text.Length || text[after] is not ('.' or ')') || (after + 1 < text.Length && char.IsDigit(text[after + 1])))
        {
            return false;
        }

        for (var k = index - 1; k >= 0; k--)
        {
            if (text[k] is ' ' or '\t')
            {
                continue;
            }

            return text[k] == '\n';
        }

        return true;
    }
}
