using System.Globalization;
using System.Text.Json.Nodes;
using SemanticRouter.Testing;

namespace SemanticRouter.Operations.Tests;

/// <summary>A /metrics body as the npm Prometheus text parser reads it (see node/parse-prometheus.mjs).</summary>
internal sealed class PrometheusFamilies(JsonArray families, JsonArray samples)
{
    public IEnumerable<string> Names => families.Select(f => (string)f!["name"]!);

    public static async Task<PrometheusFamilies> ParseAsync(string exposition)
    {
        var json = await NodeProcess.RunAsync(Path.Combine(RepoPaths.Root, "tests", "SemanticRouter.Operations.Tests", "node", "parse-prometheus.mjs"), [], exposition);
        var parsed = JsonNode.Parse(json)!;
        return new PrometheusFamilies(parsed["families"]!.AsArray(), parsed["samples"]!.AsArray());
    }

    public JsonObject Family(string name) => Find(families, name);

    /// <summary>The sample of a counter whose labels include all of <paramref name="labels"/>; 0 when absent.</summary>
    public double Value(string name, params (string Key, string Value)[] labels)
    {
        var metric = Samples(Family(name), labels).SingleOrDefault();
        return metric is null ? 0 : Number(metric["value"]);
    }

    /// <summary>One histogram series: (upper bound, cumulative count) pairs in bound order, plus count and sum.</summary>
    public (List<(double Le, long Count)> Buckets, long Count, double Sum) Histogram(string name, params (string Key, string Value)[] labels)
    {
        var buckets = RawSamples(name + "_bucket", labels)
            .Select(m => (Le: Number(m["labels"]!["le"]), Count: (long)Number(m["value"])))
            .OrderBy(b => b.Le)
            .ToList();
        var count = (long)Number(RawSamples(name + "_count", labels).Single()["value"]);
        var sum = Number(RawSamples(name + "_sum", labels).Single()["value"]);
        return (buckets, count, sum);
    }

    /// <summary>Untyped samples of one name; the parser starts a new family each time the sample name changes, so they are merged.</summary>
    private IEnumerable<JsonObject> RawSamples(string name, (string Key, string Value)[] labels)
    {
        var matching = samples.Select(f => f!.AsObject()).Where(f => (string?)f["name"] == name).ToList();
        if (matching.Count == 0)
        {
            throw new Xunit.Sdk.XunitException($"no samples named {name}");
        }

        return matching.SelectMany(f => Samples(f, labels));
    }

    private static IEnumerable<JsonObject> Samples(JsonObject family, (string Key, string Value)[] labels) =>
        family["metrics"]!.AsArray().Select(m => m!.AsObject()).Where(m => labels.All(l => (string?)m["labels"]?[l.Key] == l.Value));

    private static JsonObject Find(JsonArray list, string name) =>
        list.Select(f => f!.AsObject()).SingleOrDefault(f => (string?)f["name"] == name)
        ?? throw new Xunit.Sdk.XunitException($"metric family {name} missing; have: {string.Join(", ", list.Select(f => (string?)f!["name"]))}");

    private static double Number(JsonNode? node)
    {
        var s = (string)node!;
        return s == "+Inf" ? double.PositiveInfinity : double.Parse(s, CultureInfo.InvariantCulture);
    }
}
