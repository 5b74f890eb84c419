namespace SemanticRouter.Inference.OnnxRuntime;

/// <summary>Counts native ORT objects this process created and has not yet released, so tests can prove no leaks.</summary>
public static class OrtHandleCounter
{
    private static long live;

    /// <summary>Sessions, tensors, type infos and options currently alive (the env and memory info excluded).</summary>
    public static long Live => Interlocked.Read(ref live);

    internal static void Created() => Interlocked.Increment(ref live);

    internal static void Released() => Interlocked.Decrement(ref live);
}
