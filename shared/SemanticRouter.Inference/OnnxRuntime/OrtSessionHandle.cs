using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;

namespace SemanticRouter.Inference.OnnxRuntime;

/// <summary>
/// Owns an <see cref="InferenceSession"/> and the <see cref="RunOptions"/> its runs share. A run holds a reference
/// (<see cref="SafeHandle.DangerousAddRef"/>), so disposing the session while a run is still inside ORT releases the
/// native session when that run returns, never under it.
/// </summary>
internal sealed class OrtSessionHandle : SafeHandle
{
    public OrtSessionHandle(InferenceSession session)
        : base(0, ownsHandle: true)
    {
        Session = session;
        RunOptions = new RunOptions();
        SetHandle(1);
        OrtHandleCounter.Created();
    }

    public InferenceSession Session { get; }

    public RunOptions RunOptions { get; }

    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle()
    {
        RunOptions.Dispose();
        Session.Dispose();
        OrtHandleCounter.Released();
        return true;
    }
}
