using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SemanticRouter.Cache.Memory.Vectors;

/// <summary>
/// Inner product for the index's hot loops. <see cref="TensorPrimitives.Dot(ReadOnlySpan{float}, ReadOnlySpan{float})"/>
/// is general (any length, remainder handling, dispatch); HNSW calls it millions of times on short rows
/// whose length is a multiple of the vector width (384, 512, 768 …), where two independent FMA
/// accumulators and no remainder path are measurably faster (<c>kernel</c> benchmark,
/// docs/performance.md). Other lengths fall back to <see cref="TensorPrimitives"/>.
/// </summary>
internal static class DotProduct
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Compute(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException("vectors differ in length", nameof(b));
        }

        if (Vector512.IsHardwareAccelerated && a.Length % (2 * Vector512<float>.Count) == 0)
        {
            return Wide512(a, b);
        }

        if (Vector256.IsHardwareAccelerated && a.Length % (2 * Vector256<float>.Count) == 0)
        {
            return Wide256(a, b);
        }

        return TensorPrimitives.Dot(a, b);
    }

    private static float Wide512(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        ref var pa = ref MemoryMarshal.GetReference(a);
        ref var pb = ref MemoryMarshal.GetReference(b);
        var acc0 = Vector512<float>.Zero;
        var acc1 = Vector512<float>.Zero;
        var width = Vector512<float>.Count;
        for (nuint i = 0, n = (nuint)a.Length; i < n; i += (nuint)(2 * width))
        {
            acc0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref pa, i), Vector512.LoadUnsafe(ref pb, i), acc0);
            acc1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref pa, i + (nuint)width), Vector512.LoadUnsafe(ref pb, i + (nuint)width), acc1);
        }

        return Vector512.Sum(acc0 + acc1);
    }

    private static float Wide256(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        ref var pa = ref MemoryMarshal.GetReference(a);
        ref var pb = ref MemoryMarshal.GetReference(b);
        var acc0 = Vector256<float>.Zero;
        var acc1 = Vector256<float>.Zero;
        var width = Vector256<float>.Count;
        for (nuint i = 0, n = (nuint)a.Length; i < n; i += (nuint)(2 * width))
        {
            acc0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref pa, i), Vector256.LoadUnsafe(ref pb, i), acc0);
            acc1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref pa, i + (nuint)width), Vector256.LoadUnsafe(ref pb, i + (nuint)width), acc1);
        }

        return Vector256.Sum(acc0 + acc1);
    }
}
