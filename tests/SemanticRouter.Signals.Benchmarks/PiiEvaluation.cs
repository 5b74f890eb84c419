using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SemanticRouter.Signals.Models;
using SemanticRouter.Signals.Pii;
using SemanticRouter.Testing;

namespace SemanticRouter.Signals.Benchmarks;

/// <summary>
/// Entity-level F1 (exact character spans) of the full PII detector on the held-out Presidio sentences, selected by
/// the same rule as models/training/common.py is_held_out (sha256 of the text, first 8 hex digits mod 100 &lt; 20).
/// </summary>
internal static class PiiEvaluation
{
    private static readonly Dictionary<string, string> PresidioToOurs = new(StringComparer.Ordinal)
    {
        ["EMAIL_ADDRESS"] = PiiTypes.Email,
        ["PHONE_NUMBER"] = PiiTypes.Phone,
        ["CREDIT_CARD"] = PiiTypes.CreditCard,
        ["US_SSN"] = PiiTypes.UsSsn,
        ["IBAN_CODE"] = PiiTypes.Iban,
        ["IP_ADDRESS"] = PiiTypes.IpAddress,
        ["DOMAIN_NAME"] = PiiTypes.Url,
        ["PERSON"] = PiiTypes.Person,
        ["GPE"] = PiiTypes.Location,
        ["ORGANIZATION"] = PiiTypes.Organization,
        ["STREET_ADDRESS"] = PiiTypes.StreetAddress,
    };

    private static readonly string[] Structured = [PiiTypes.Email, PiiTypes.Phone, PiiTypes.CreditCard, PiiTypes.UsSsn, PiiTypes.Iban, PiiTypes.IpAddress, PiiTypes.Url];

    public static async Task RunAsync()
    {
        var path = Path.Combine(RepoPaths.SharedData, "pii", "presidio_synth_train.json");
        using var doc = JsonDocument.Parse(await File.ReadAllBytesAsync(path));
        using var models = new LearnedModels(new LearnedModelOptions { ModelsDirectory = Path.Combine(RepoPaths.Root, "models") });
        var counts = new Dictionary<string, (int Tp, int Fp, int Fn)>(StringComparer.Ordinal);
        var sentences = 0;
        foreach (var row in doc.RootElement.EnumerateArray())
        {
            var text = row.GetProperty("full_text").GetString()!;
            if (!IsHeldOut(text))
            {
                continue;
            }

            sentences++;
            var gold = new HashSet<(string, int, int)>();
            foreach (var s in row.GetProperty("spans").EnumerateArray())
            {
                if (PresidioToOurs.TryGetValue(s.GetProperty("entity_type").GetString()!, out var type))
                {
                    gold.Add((type, s.GetProperty("start_position").GetInt32(), s.GetProperty("end_position").GetInt32()));
                }
            }

            var found = await models.PiiDetector.DetectAsync(text, PiiSignalKind.DefaultThreshold, CancellationToken.None);
            var predicted = found.Select(e => (e.Type, e.Start, e.End)).Where(e => PresidioToOurs.ContainsValue(e.Type)).ToHashSet();
            foreach (var type in PresidioToOurs.Values.Distinct())
            {
                var g = gold.Where(x => x.Item1 == type).ToHashSet();
                var p = predicted.Where(x => x.Item1 == type).ToHashSet();
                var c = counts.GetValueOrDefault(type);
                counts[type] = (c.Tp + g.Intersect(p).Count(), c.Fp + p.Except(g).Count(), c.Fn + g.Except(p).Count());
            }
        }

        Console.WriteLine($"# PII entity-level F1 (exact spans) on {sentences} held-out Presidio sentences");
        Console.WriteLine("type              precision  recall     f1  support");
        void Line(string name, (int Tp, int Fp, int Fn) c)
        {
            var p = c.Tp + c.Fp == 0 ? 0 : (double)c.Tp / (c.Tp + c.Fp);
            var r = c.Tp + c.Fn == 0 ? 0 : (double)c.Tp / (c.Tp + c.Fn);
            var f = p + r == 0 ? 0 : 2 * p * r / (p + r);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-17} {p,9:0.000} {r,7:0.000} {f,6:0.000} {c.Tp + c.Fn,8}"));
        }

        foreach (var (type, c) in counts.OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            Line(type, c);
        }

        var structured = Structured.Select(t => counts.GetValueOrDefault(t)).Aggregate((Tp: 0, Fp: 0, Fn: 0), (a, c) => (a.Tp + c.Tp, a.Fp + c.Fp, a.Fn + c.Fn));
        Line("STRUCTURED (micro)", structured);
    }

    internal static bool IsHeldOut(string text, int percent = 20)
    {
        var hex = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
        return Convert.ToUInt32(hex[..8], 16) % 100 < percent;
    }
}
