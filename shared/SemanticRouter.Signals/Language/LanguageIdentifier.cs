using System.Text;
using System.Text.Json;

namespace SemanticRouter.Signals.Language;

/// <summary>
/// Character n-gram naive Bayes language identification. <c>profiles.json</c> holds, per language, log-probabilities
/// of its most frequent n-grams (words padded with spaces) and a floor for unseen ones; the posterior is a softmax of the
/// mean per-n-gram log-likelihood times a calibrated <c>temperature</c>. Trained by models/training/train_language.py.
/// </summary>
public sealed class LanguageIdentifier
{
    /// <summary>Characters of a prompt that are looked at; the start of a prompt identifies its language.</summary>
    internal const int MaxChars = 2000;

    private readonly string[] _languages;
    private readonly Dictionary<string, float[]> _table;
    private readonly float[] _floor;
    private readonly int _minN;
    private readonly int _maxN;
    private readonly double _temperature;

    private LanguageIdentifier(string[] languages, Dictionary<string, float[]> table, float[] floor, int minN, int maxN, double temperature)
    {
        _languages = languages;
        _table = table;
        _floor = floor;
        _minN = minN;
        _maxN = maxN;
        _temperature = temperature;
    }

    public IReadOnlyList<string> Languages => _languages;

    public static LanguageIdentifier Load(string folder)
    {
        var path = Path.Combine(folder, "profiles.json");
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = doc.RootElement;
        var languages = root.GetProperty("languages").EnumerateArray().Select(l => l.GetString()!).ToArray();
        var floor = root.GetProperty("unseen").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        var table = new Dictionary<string, float[]>(StringComparer.Ordinal);
        var profiles = root.GetProperty("profiles");
        for (var k = 0; k < languages.Length; k++)
        {
            // Each language lists log-probabilities of its frequent n-grams; the rest get its unseen floor.
            foreach (var entry in profiles.GetProperty(languages[k]).EnumerateObject())
            {
                if (!table.TryGetValue(entry.Name, out var row))
                {
                    row = table[entry.Name] = (float[])floor.Clone();
                }

                row[k] = entry.Value.GetSingle();
            }
        }

        return new LanguageIdentifier(languages, table, floor, root.GetProperty("min_n").GetInt32(), root.GetProperty("max_n").GetInt32(), root.GetProperty("temperature").GetDouble());
    }

    /// <summary>Every language's probability, best first; empty when the text has no letters.</summary>
    public IReadOnlyList<(string Language, double Probability)> Identify(string text)
    {
        var scores = new double[_languages.Length];
        var count = 0;
        foreach (var gram in NGrams(text))
        {
            var row = _table.TryGetValue(gram, out var r) ? r : _floor;
            for (var k = 0; k < scores.Length; k++)
            {
                scores[k] += row[k];
            }

            count++;
        }

        if (count == 0)
        {
            return [];
        }

        var max = double.NegativeInfinity;
        for (var k = 0; k < scores.Length; k++)
        {
            scores[k] = scores[k] / count * _temperature;
            max = Math.Max(max, scores[k]);
        }

        var sum = 0.0;
        for (var k = 0; k < scores.Length; k++)
        {
            scores[k] = Math.Exp(scores[k] - max);
            sum += scores[k];
        }

        return _languages.Select((l, k) => (l, scores[k] / sum)).OrderByDescending(p => p.Item2).ToArray();
    }

    /// <summary>Lower-cased letter runs padded with a space on each side, cut into n-grams of every length in [min_n, max_n].</summary>
    internal IEnumerable<string> NGrams(string text)
    {
        var limit = Math.Min(text.Length, MaxChars);
        var word = new StringBuilder();
        for (var i = 0; i <= limit; i++)
        {
            var c = i < limit ? text[i] : ' ';
            if (char.IsLetter(c) || c is '\'' or '’')
            {
                word.Append(char.ToLowerInvariant(c));
                continue;
            }

            if (word.Length == 0)
            {
                continue;
            }

            var padded = " " + word + " ";
            word.Clear();
            for (var n = _minN; n <= _maxN; n++)
            {
                for (var s = 0; s + n <= padded.Length; s++)
                {
                    var g = padded.Substring(s, n);
                    if (g != " ")
                    {
                        yield return g;
                    }
                }
            }
        }
    }
}
