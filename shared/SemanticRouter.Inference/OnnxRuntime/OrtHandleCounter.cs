namespace SemanticRouter.Inference.OnnxRuntime;

/// <summary>
/// Counts the ONNX Runtime objects the engine created and has not yet disposed (sessions, session options, per-run
/// input and output values), so tests can prove every native object is released deterministically. The package
/// does not expose a count of its own, so the engine counts at each create and dispose it performs.
/// </summary>
public static class OrtHandleCounter
{
    private static long live;

    /// <summary>Objects currently alive (the process-wide env excluded).</summary>
    public static long Live => Interlocked.Read(ref live);

    internal static void Created() => Interlocked.Increment(ref live);

    internal static void Released() => Interlocked.Decrement(ref live);
}
