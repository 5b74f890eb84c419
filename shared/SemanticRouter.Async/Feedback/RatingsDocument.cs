using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace SemanticRouter.Async.Feedback;

/// <summary>
/// The aggregated ratings (one blob). Counts are integers so any interleaving of updates yields
/// exactly the same document as a sequential run. <see cref="Applied"/> remembers the most
/// recent feedback ids (bounded) so a redelivered message, or a write retried after a lost
/// response, is never counted twice.
/// </summary>
public sealed class RatingsDocument
{
    public int Version { get; set; } = 1;

    public DateTimeOffset Updated { get; set; }

    /// <summary>Keyed by <see cref="Key"/>: "decision/model".</summary>
    public Dictionary<string, PairRating> Pairs { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Feedback ids already applied, oldest first, as 64-bit hashes (base64 of 8 bytes each): a
    /// fraction of the size of the ids themselves, which keeps every compare-and-swap round cheap.
    /// </summary>
    public string Applied { get; set; } = string.Empty;

    public long TotalApplied { get; set; }

    public static string Key(string decision, string model) => decision + "/" + model;

    /// <summary>The 64-bit hash under which a feedback id is remembered.</summary>
    public static ulong IdHash(string feedbackId) =>
        BinaryPrimitives.ReadUInt64LittleEndian(SHA256.HashData(Encoding.UTF8.GetBytes(feedbackId)));

    internal List<ulong> ReadApplied()
    {
        var bytes = Convert.FromBase64String(Applied);
        var list = new List<ulong>(bytes.Length / 8);
        for (var i = 0; i + 8 <= bytes.Length; i += 8)
        {
            list.Add(BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(i)));
        }

        return list;
    }

    internal void WriteApplied(List<ulong> hashes)
    {
        var bytes = new byte[hashes.Count * 8];
        for (var i = 0; i < hashes.Count; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(i * 8), hashes[i]);
        }

        Applied = Convert.ToBase64String(bytes);
    }
}

/// <summary>Counts for one (decision, model) pair and its Bayesian success estimate.</summary>
public sealed class PairRating
{
    public required string Decision { get; set; }

    public required string Model { get; set; }

    public long Up { get; set; }

    public long Down { get; set; }

    /// <summary>Counts of 1..5 star ratings (index 0 = one star).</summary>
    public long[] Stars { get; set; } = new long[5];

    public Dictionary<string, long> Categories { get; set; } = new(StringComparer.Ordinal);

    public long Count => Up + Down + Stars.Sum();

    /// <summary>Sum of success fractions (see <see cref="RatingScore"/>).</summary>
    public double Successes => Up + (Stars[1] * 0.25) + (Stars[2] * 0.5) + (Stars[3] * 0.75) + Stars[4];

    /// <summary>Posterior mean of Beta(1 + successes, 1 + failures): 0.5 with no data.</summary>
    public double Mean => (1 + Successes) / (2 + Count);

    public void Add(string rating, string? category)
    {
        switch (rating)
        {
            case "up":
                Up++;
                break;
            case "down":
                Down++;
                break;
            default:
                Stars[rating[0] - '1']++;
                break;
        }

        if (category is not null)
        {
            Categories[category] = Categories.GetValueOrDefault(category) + 1;
        }
    }
}
