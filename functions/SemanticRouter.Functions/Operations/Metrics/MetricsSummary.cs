using System.Text.Json;

namespace SemanticRouter.Functions.Operations.Metrics;

/// <summary>
/// The dashboard's view of the same aggregates <c>/metrics</c> exposes (read from the OpenTelemetry SDK through
/// <see cref="MetricsCollector.Snapshot"/>): totals per model and decision, cache hit rate, latency percentiles,
/// blocked requests and the hallucination rate.
/// </summary>
internal static class MetricsSummary
{
    public static byte[] Write(MetricsCollector collector)
    {
        var metrics = collector.Snapshot().ToDictionary(m => m.Name, StringComparer.Ordinal);
        MetricSnapshot? Metric(string name) => metrics.GetValueOrDefault(name);

        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("uptime_seconds", Math.Round((DateTimeOffset.UtcNow - collector.StartedAt).TotalSeconds, 1));
            WriteByLabel(w, "requests_by_model", Metric("llm_model_requests_total"), "model");
            WriteByLabel(w, "decisions", Metric("llm_decision_match_total"), "decision");
            WriteByLabel(w, "errors_by_reason", Metric("llm_request_errors_total"), "reason");
            WriteByLabel(w, "blocked_by_reason", Metric("llm_requests_blocked_total"), "reason");

            var hits = Sum(Metric("llm_cache_hits_total"), _ => true);
            var misses = Sum(Metric("llm_cache_misses_total"), _ => true);
            w.WriteStartObject("cache");
            w.WriteNumber("hits", hits);
            w.WriteNumber("misses", misses);
            WriteRate(w, "hit_rate", hits, hits + misses);
            w.WriteEndObject();

            w.WriteStartObject("latency_seconds");
            WriteQuantiles(w, "routing", Metric("llm_model_routing_latency_seconds"));
            WriteQuantiles(w, "ttft", Metric("llm_model_ttft_seconds"));
            WriteQuantiles(w, "completion", Metric("llm_model_completion_latency_seconds"));
            w.WriteEndObject();

            var audits = Metric("llm_halugate_audits_total");
            var hallucinated = Sum(audits, p => p.Label("result") == "hallucinated");
            var judged = Sum(audits, p => p.Label("result") is "hallucinated" or "grounded");
            w.WriteStartObject("audits");
            w.WriteNumber("total", Sum(audits, _ => true));
            w.WriteNumber("hallucinated", hallucinated);
            WriteRate(w, "hallucination_rate", hallucinated, judged);
            w.WriteEndObject();

            w.WriteStartObject("tokens");
            w.WriteNumber("prompt", Sum(Metric("llm_model_prompt_tokens_total"), _ => true));
            w.WriteNumber("completion", Sum(Metric("llm_model_completion_tokens_total"), _ => true));
            w.WriteEndObject();
            WriteByLabel(w, "cost_by_currency", Metric("llm_model_cost_total"), "currency");
            w.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static void WriteRate(Utf8JsonWriter w, string name, double part, double whole)
    {
        if (whole > 0)
        {
            w.WriteNumber(name, Math.Round(part / whole, 4));
        }
        else
        {
            w.WriteNull(name);
        }
    }

    /// <summary>Sums per value of <paramref name="label"/>; the unlabelled zero series a counter starts with is left out.</summary>
    private static void WriteByLabel(Utf8JsonWriter w, string name, MetricSnapshot? metric, string label)
    {
        w.WriteStartObject(name);
        if (metric is not null)
        {
            foreach (var group in metric.Points.Where(p => p.Label(label) is not null).GroupBy(p => p.Label(label)!).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                w.WriteNumber(group.Key, Math.Round(group.Sum(p => p.Value), 6));
            }
        }

        w.WriteEndObject();
    }

    private static void WriteQuantiles(Utf8JsonWriter w, string name, MetricSnapshot? metric)
    {
        w.WriteStartObject(name);
        long[]? merged = null;
        foreach (var point in metric?.Points ?? [])
        {
            merged ??= new long[point.CumulativeBuckets.Length];
            for (var i = 0; i < merged.Length && i < point.CumulativeBuckets.Length; i++)
            {
                merged[i] += point.CumulativeBuckets[i];
            }
        }

        w.WriteNumber("count", merged is null || merged.Length == 0 ? 0 : merged[^1]);
        foreach (var (label, q) in new[] { ("p50", 0.5), ("p90", 0.9), ("p99", 0.99) })
        {
            var value = merged is null ? null : HistogramQuantile.Estimate(q, metric!.Bounds, merged);
            if (value is { } v)
            {
                w.WriteNumber(label, Math.Round(v, 6));
            }
            else
            {
                w.WriteNull(label);
            }
        }

        w.WriteEndObject();
    }

    private static double Sum(MetricSnapshot? metric, Func<MetricPointSnapshot, bool> predicate) =>
        metric is null ? 0 : metric.Points.Where(predicate).Sum(p => p.Value);
}
