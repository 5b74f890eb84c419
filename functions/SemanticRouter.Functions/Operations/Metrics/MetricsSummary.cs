using System.Text.Json;

namespace SemanticRouter.Functions.Operations.Metrics;

/// <summary>
/// The dashboard's view of the same aggregates <c>/metrics</c> exposes: totals per model and decision,
/// cache hit rate, latency percentiles, blocked requests and the hallucination rate.
/// </summary>
internal static class MetricsSummary
{
    public static byte[] Write(MetricsCollector collector)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("uptime_seconds", Math.Round((DateTimeOffset.UtcNow - collector.StartedAt).TotalSeconds, 1));
            WriteByLabel(w, "requests_by_model", collector, "llm_model_requests_total", "model");
            WriteByLabel(w, "decisions", collector, "llm_decision_match_total", "decision");
            WriteByLabel(w, "errors_by_reason", collector, "llm_request_errors_total", "reason");
            WriteByLabel(w, "blocked_by_reason", collector, "llm_requests_blocked_total", "reason");

            var hits = Total(collector, "llm_cache_hits_total");
            var misses = Total(collector, "llm_cache_misses_total");
            w.WriteStartObject("cache");
            w.WriteNumber("hits", hits);
            w.WriteNumber("misses", misses);
            WriteRate(w, "hit_rate", hits, hits + misses);
            w.WriteEndObject();

            w.WriteStartObject("latency_seconds");
            WriteQuantiles(w, "routing", collector, "llm_model_routing_latency_seconds");
            WriteQuantiles(w, "ttft", collector, "llm_model_ttft_seconds");
            WriteQuantiles(w, "completion", collector, "llm_model_completion_latency_seconds");
            w.WriteEndObject();

            var audits = collector.Family("llm_halugate_audits_total");
            var hallucinated = Sum(audits, s => Label(s, "result") == "hallucinated");
            var judged = Sum(audits, s => Label(s, "result") is "hallucinated" or "grounded");
            w.WriteStartObject("audits");
            w.WriteNumber("total", Sum(audits, _ => true));
            w.WriteNumber("hallucinated", hallucinated);
            WriteRate(w, "hallucination_rate", hallucinated, judged);
            w.WriteEndObject();

            w.WriteStartObject("tokens");
            w.WriteNumber("prompt", Total(collector, "llm_model_prompt_tokens_total"));
            w.WriteNumber("completion", Total(collector, "llm_model_completion_tokens_total"));
            w.WriteEndObject();
            WriteByLabel(w, "cost_by_currency", collector, "llm_model_cost_total", "currency");
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

    private static void WriteByLabel(Utf8JsonWriter w, string name, MetricsCollector collector, string metric, string label)
    {
        w.WriteStartObject(name);
        if (collector.Family(metric) is { } family)
        {
            foreach (var group in family.Series.GroupBy(s => Label(s, label) ?? string.Empty).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                w.WriteNumber(group.Key, Math.Round(group.Sum(s => s.Value), 6));
            }
        }

        w.WriteEndObject();
    }

    private static void WriteQuantiles(Utf8JsonWriter w, string name, MetricsCollector collector, string metric)
    {
        w.WriteStartObject(name);
        var family = collector.Family(metric);
        long[]? merged = null;
        if (family is not null)
        {
            foreach (var s in family.Series)
            {
                var c = s.CumulativeBuckets();
                merged ??= new long[c.Length];
                for (var i = 0; i < c.Length; i++)
                {
                    merged[i] += c[i];
                }
            }
        }

        w.WriteNumber("count", merged is null ? 0 : merged[^1]);
        foreach (var (label, q) in new[] { ("p50", 0.5), ("p90", 0.9), ("p99", 0.99) })
        {
            var value = merged is null ? null : HistogramQuantile.Estimate(q, family!.Bounds, merged);
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

    private static double Total(MetricsCollector collector, string metric) => Sum(collector.Family(metric), _ => true);

    private static double Sum(MetricFamily? family, Func<MetricSeries, bool> predicate) =>
        family is null ? 0 : family.Series.Where(predicate).Sum(s => s.Value);

    private static string? Label(MetricSeries series, string name)
    {
        var i = Array.IndexOf(series.LabelNames, name);
        return i < 0 ? null : series.LabelValues[i];
    }
}
