using System.Text.Json.Serialization;

namespace SemanticRouter.Inference.Benchmarks;

/// <summary>The inputs both sides time; serialised for the Node script so it runs exactly the same work.</summary>
internal sealed record BenchmarkPlan(
    [property: JsonPropertyName("tokenizer")] string Tokenizer,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("texts")] IReadOnlyList<string> Texts,
    [property: JsonPropertyName("tokenizerRounds")] int TokenizerRounds,
    [property: JsonPropertyName("threads")] int Threads,
    [property: JsonPropertyName("spinning")] bool Spinning,
    [property: JsonPropertyName("latency")] IReadOnlyList<LatencyCase> Latency);

internal sealed record LatencyCase(
    [property: JsonPropertyName("batch")] int Batch,
    [property: JsonPropertyName("tokens")] int Tokens,
    [property: JsonPropertyName("iterations")] int Iterations,
    [property: JsonPropertyName("inputIds")] int[][] InputIds);

internal sealed record ThroughputResult(
    [property: JsonPropertyName("texts")] long Texts,
    [property: JsonPropertyName("tokens")] long Tokens,
    [property: JsonPropertyName("seconds")] double Seconds);

internal sealed record LatencyResult(
    [property: JsonPropertyName("batch")] int Batch,
    [property: JsonPropertyName("tokens")] int Tokens,
    [property: JsonPropertyName("medianMs")] double MedianMs,
    [property: JsonPropertyName("meanMs")] double MeanMs);
