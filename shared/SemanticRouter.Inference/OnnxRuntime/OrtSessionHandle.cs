using System.Runtime.InteropServices;

namespace SemanticRouter.Inference.OnnxRuntime;

/// <summary>Owns an <c>OrtSession*</c>; released exactly once, even if a run is still holding a reference.</summary>
internal sealed class OrtSessionHandle : SafeHandle
{
    public OrtSessionHandle(nint session)
        : base(0, ownsHandle: true)
    {
        SetHandle(session);
        OrtHandleCounter.Created();
    }

    public override bool IsInvalid => handle == 0;

    protected override unsafe bool ReleaseHandle()
    {
        OrtRuntime.Current.Api.ReleaseSession(handle);
        OrtHandleCounter.Released();
        return true;
    }
}
