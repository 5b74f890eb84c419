using System.Globalization;
using System.Text;

namespace SemanticRouter.Cache.Keys;

/// <summary>
/// The content-word guard, checked before a semantic hit is served. Embedding similarity scores
/// "how do I boil an egg" and "how do I boil a potato" (or "convert miles to km" and "convert km to
/// miles") as near-identical, and lower-case words escape the <see cref="SalientTokens"/> partition.
/// A question's content words (stop words and light verbs dropped, suffixes stripped, cut to six
/// letters so inflections match, a few common synonyms merged) are kept as hashes in order, repeats
/// included; a cached question is refused when
/// <list type="bullet">
/// <item>each side has a content word the other lacks (counted with multiplicity) — a substitution,
/// the shape of a near miss (rewordings that only add or drop words still hit); or</item>
/// <item>both have the same content words and two of them traded places, all others in place.</item>
/// </list>
/// Synonym substitutions ("buy" / "purchase") are refused too: no lexical rule tells them from
/// "egg" / "potato", and serving a wrong answer costs more than a miss (docs/caching.md measures the
/// hit rate this costs). Only hashes are kept, never the words.
/// </summary>
internal static class NearMissGuard
{
    /// <summary>Caps the work and the stored size for very long prompts.</summary>
    public const int MaxTerms = 128;

    private const int StemLength = 6;

    private static readonly HashSet<string> Ignored = new(StringComparer.Ordinal)
    {
        // Function words.
        "a", "an", "the", "of", "to", "in", "on", "for", "and", "or", "but", "if", "then", "so", "than", "as", "by",
        "at", "from", "with", "without", "into", "onto", "about", "over", "under", "between", "through", "during",
        "before", "after", "above", "below", "up", "down", "out", "off", "again", "also", "just", "only", "very",
        "too", "more", "most", "less", "least", "much", "many", "some", "any", "all", "each", "every", "both",
        "either", "neither", "other", "another", "such", "same", "own", "this", "that", "these", "those", "there",
        "here", "it", "its", "itself", "i", "me", "my", "mine", "myself", "you", "your", "yours", "yourself", "we",
        "us", "our", "ours", "they", "them", "their", "theirs", "he", "him", "his", "she", "her", "hers", "one",
        "ones", "s", "t", "d", "ll", "re", "ve", "m",

        // Auxiliaries and question words.
        "is", "are", "was", "were", "be", "been", "being", "am", "do", "does", "did", "doing", "done", "have",
        "has", "had", "having", "can", "could", "will", "would", "shall", "should", "may", "might", "must",
        "what", "which", "who", "whom", "whose", "why", "when", "where", "how", "whether", "while",

        // Politeness and light verbs/nouns that rewordings swap freely.
        "please", "kindly", "thanks", "thank", "hi", "hello", "hey", "get", "gets", "got", "getting", "obtain",
        "use", "used", "uses", "using", "make", "makes", "made", "making", "know", "tell", "show", "explain",
        "describe", "give", "provide", "provides", "provided", "want", "need", "needs", "way", "ways", "help",
        "able", "possible", "like", "let", "lets", "go", "going", "see", "find", "thing", "things", "something",
        "anything", "question", "answer", "regarding", "following", "example", "e", "g", "etc", "i.e", "e.g",
    };

    /// <summary>
    /// Common synonyms that rewordings trade (mostly verbs of technical prose and questions): each
    /// group counts as one term, so "store the dataset" and "save the dataset" still match while
    /// "boil an egg" and "boil a potato" do not. Small and explicit on purpose; its effect on the
    /// hit rate is measured in docs/caching.md.
    /// </summary>
    private static readonly string[][] SynonymGroups =
    [
        ["provide", "offer", "give", "supply", "furnish", "deliver"],
        ["allow", "enable", "permit", "let"],
        ["utilize", "utilise", "employ", "apply", "leverage"],
        ["display", "present", "demonstrate", "illustrate", "show"],
        ["create", "generate", "build", "produce", "construct"],
        ["retrieve", "fetch", "acquire", "receive", "obtain"],
        ["change", "modify", "alter", "adjust", "update", "edit"],
        ["remove", "delete", "erase", "eliminate", "discard", "drop"],
        ["save", "store", "persist"],
        ["load", "read", "import", "open"],
        ["locate", "search", "discover", "look"],
        ["require", "must"],
        ["assist", "aid", "support"],
        ["start", "begin", "launch", "initiate", "commence"],
        ["stop", "end", "finish", "halt", "terminate"],
        ["big", "large", "huge", "great"],
        ["small", "little", "tiny"],
        ["fast", "quick", "rapid", "speedy", "quickly", "rapidly"],
        ["method", "function", "procedure", "routine"],
        ["determine", "decide", "specify", "define", "indicate", "set"],
        ["contain", "include", "hold", "comprise"],
        ["detail", "outline", "summarize", "summarise"],
        ["issue", "problem", "difficulty", "trouble"],
        ["capability", "functionality", "feature", "ability"],
        ["approach", "means", "manner", "technique"],
        ["convert", "transform", "turn"],
        ["iterate", "loop", "cycle", "traverse"],
        ["parameter", "argument", "option"],
        ["documentation", "docs", "doc", "document", "page"],
        ["information", "info", "details"],
        ["buy", "purchase"],
        ["car", "automobile", "vehicle"],
        ["movie", "film"],
        ["picture", "image", "photo", "photograph"],
        ["choose", "select", "pick"],
        ["guide", "tutorial", "instructions"],
        ["correct", "right", "accurate"],
        ["mistake", "error"],
    ];

    private static readonly Dictionary<string, string> Canonical = BuildCanonical();

    /// <summary>Content-word hashes in order of appearance (repeats kept), as 8 hex digits each, space-separated.</summary>
    public static string Terms(string text)
    {
        var sb = new StringBuilder();
        var count = 0;
        var word = new StringBuilder(32);
        var limit = Math.Min(text.Length, 8192);
        for (var i = 0; i <= limit && count < MaxTerms; i++)
        {
            var c = i < limit ? text[i] : ' ';
            if (char.IsLetter(c) || (c == '\'' && word.Length > 0))
            {
                word.Append(char.ToLowerInvariant(c));
                continue;
            }

            if (word.Length > 0)
            {
                var stem = Stem(word.ToString());
                word.Clear();
                if (stem is not null)
                {
                    count++;
                    if (sb.Length > 0)
                    {
                        sb.Append(' ');
                    }

                    sb.Append(Hash(stem).ToString("x8", CultureInfo.InvariantCulture));
                }
            }
        }

        return sb.ToString();
    }

    /// <summary>Whether a semantic hit on a cached question with <paramref name="cached"/> terms may serve a query with <paramref name="query"/> terms.</summary>
    public static bool Allows(string? cached, string? query, bool strict = false)
    {
        if (cached is null || query is null)
        {
            // Written or looked up without the guard: nothing to compare, so no semantic match.
            return cached is null && query is null;
        }

        // Any substitution refuses, however many words differ: a bound k lets (k+1)-word substitutions
        // of long questions through at the default threshold (measured in docs/caching.md).
        // Strict: any added or dropped content word refuses too ("… in the microwave").
        var d = Compare(cached, query);
        return strict
            ? d.OnlyCached == 0 && d.OnlyQuery == 0 && !d.Transposed
            : !(d.OnlyCached > 0 && d.OnlyQuery > 0) && !d.Transposed;
    }

    /// <summary>How two term lists differ: terms (with multiplicity) only one side has, and whether they are one swap apart.</summary>
    internal static TermDifference Compare(string cached, string query)
    {
        var a = cached.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var b = query.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var t in a)
        {
            counts[t] = counts.GetValueOrDefault(t) + 1;
        }

        foreach (var t in b)
        {
            counts[t] = counts.GetValueOrDefault(t) - 1;
        }

        var onlyCached = counts.Values.Where(c => c > 0).Sum();
        var onlyQuery = -counts.Values.Where(c => c < 0).Sum();
        return new TermDifference(onlyCached, onlyQuery, onlyCached == 0 && onlyQuery == 0 && IsOneTransposition(a, b));
    }

    /// <summary>Same terms, and exactly two positions differ (swapped) — "A bigger than B" vs "B bigger than A".</summary>
    private static bool IsOneTransposition(string[] a, string[] b)
    {
        if (a.Length != b.Length)
        {
            return false;
        }

        var first = -1;
        var second = -1;
        for (var i = 0; i < a.Length; i++)
        {
            if (a[i] == b[i])
            {
                continue;
            }

            if (first < 0)
            {
                first = i;
            }
            else if (second < 0)
            {
                second = i;
            }
            else
            {
                return false;
            }
        }

        return second >= 0 && a[first] == b[second] && a[second] == b[first];
    }

    /// <summary>Light suffix stripping, then the first six letters: "boiled", "boiling" → "boil"; "datasets" → "datase". Null for ignored words.</summary>
    internal static string? Stem(string word)
    {
        // Negations are the entity guard's ("isn't" and "is not" are one token there), not content words.
        if (SalientTokens.IsNegation(word))
        {
            return null;
        }

        var apostrophe = word.IndexOf('\'', StringComparison.Ordinal);
        if (apostrophe >= 0)
        {
            word = word[..apostrophe];
        }

        if (word.Length < 2 || Ignored.Contains(word))
        {
            return null;
        }

        if (word.Length > 4 && word.EndsWith("ies", StringComparison.Ordinal))
        {
            word = word[..^3] + "y";
        }
        else if (word.Length > 5 && word.EndsWith("ing", StringComparison.Ordinal))
        {
            word = word[..^3];
        }
        else if (word.Length > 4 && word.EndsWith("ed", StringComparison.Ordinal))
        {
            word = word[..^2];
        }
        else if (word.Length > 4 && word.EndsWith("es", StringComparison.Ordinal) && !word.EndsWith("ses", StringComparison.Ordinal))
        {
            word = word[..^1];
        }
        else if (word.Length > 3 && word.EndsWith('s') && !word.EndsWith("ss", StringComparison.Ordinal) && !word.EndsWith("us", StringComparison.Ordinal))
        {
            word = word[..^1];
        }

        if (word.Length > 3 && word.EndsWith('e'))
        {
            word = word[..^1];
        }

        word = word.Length > StemLength ? word[..StemLength] : word;
        return Canonical is not null && Canonical.TryGetValue(word, out var canonical) ? canonical : word;
    }

    private static Dictionary<string, string> BuildCanonical()
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var group in SynonymGroups)
        {
            var head = "=" + group[0];
            foreach (var word in group)
            {
                // Stemmed the same way as text (Canonical is still null here), so inflections map too.
                if (Stem(word) is { } stem)
                {
                    map.TryAdd(stem, head);
                }
            }
        }

        return map;
    }

    private static uint Hash(string stem)
    {
        var h = 2166136261u;
        foreach (var c in stem)
        {
            h = (h ^ c) * 16777619u;
        }

        return h;
    }
}

/// <summary>Terms only the cached question has, terms only the query has (with multiplicity), and whether the lists are one swap apart.</summary>
internal readonly record struct TermDifference(int OnlyCached, int OnlyQuery, bool Transposed);
