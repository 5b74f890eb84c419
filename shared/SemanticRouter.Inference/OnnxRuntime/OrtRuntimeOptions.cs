namespace SemanticRouter.Inference.OnnxRuntime;

/// <summary>Process-wide ONNX Runtime settings; they apply once, when the first model loads.</summary>
public sealed record OrtRuntimeOptions
{
    /// <summary>Threads in the one global intra-op pool shared by every session (0 = one per CPU core).</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>Busy-wait in pool threads between work items: lower latency under steady load, but burns idle CPU.</summary>
    public bool AllowSpinning { get; init; }

    /// <summary>
    /// Give each session its own pool of <see cref="IntraOpThreads"/> threads instead of one global pool. Only for
    /// processes with a single model: every session then adds threads.
    /// </summary>
    public bool PerSessionThreads { get; init; }

    /// <summary>ORT's own log threshold (0 verbose … 4 fatal); messages go to stderr.</summary>
    public int LogSeverity { get; init; } = 3;
}
