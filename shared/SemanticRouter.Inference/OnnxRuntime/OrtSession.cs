using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;

namespace SemanticRouter.Inference.OnnxRuntime;

/// <summary>
/// One loaded ONNX model. <see cref="Run"/> is thread-safe (ORT supports concurrent runs on a CPU session),
/// so one instance serves all request threads. Dispose releases the native session.
/// </summary>
public sealed unsafe class OrtSession : IDisposable
{
    private readonly OrtRuntime.State runtime;
    private readonly OrtSessionHandle handle;
    private readonly byte[][] inputNamesUtf8;
    private readonly byte[][] outputNamesUtf8;
    private readonly Dictionary<string, int> inputIndex;
    private readonly Dictionary<string, int> outputIndex;

    private OrtSession(OrtRuntime.State runtime, nint session, string source)
    {
        this.runtime = runtime;
        handle = new OrtSessionHandle(session);
        Source = source;
        Inputs = ReadNodes(session, isInput: true);
        Outputs = ReadNodes(session, isInput: false);
        inputNamesUtf8 = Inputs.Select(i => PinnedUtf8(i.Name)).ToArray();
        outputNamesUtf8 = Outputs.Select(o => PinnedUtf8(o.Name)).ToArray();
        inputIndex = Inputs.Select((n, i) => (n.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);
        outputIndex = Outputs.Select((n, i) => (n.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);
    }

    /// <summary>Where the model came from (a path), for error messages.</summary>
    public string Source { get; }

    public IReadOnlyList<OrtNodeInfo> Inputs { get; }

    public IReadOnlyList<OrtNodeInfo> Outputs { get; }

    public bool HasInput(string name) => inputIndex.ContainsKey(name);

    public bool HasOutput(string name) => outputIndex.ContainsKey(name);

    /// <summary>Loads an .onnx file; a missing or corrupt file gives an exception naming the path and ORT's reason.</summary>
    public static OrtSession Load(string modelPath, OrtSessionOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        var fullPath = Path.GetFullPath(modelPath);
        if (!File.Exists(fullPath))
        {
            throw new FileNotFoundException($"ONNX model file not found: '{fullPath}'.", fullPath);
        }

        var runtime = OrtRuntime.Current;
        var api = runtime.Api;
        var pathUtf8 = Encoding.UTF8.GetBytes(fullPath + "\0");
        var sessionOptions = CreateSessionOptions(runtime, options ?? new OrtSessionOptions());
        try
        {
            nint session = 0;
            nint status;
            lock (runtime.SessionCreationGate)
            {
                fixed (byte* path = pathUtf8)
                {
                    status = api.CreateSession(runtime.Env, path, sessionOptions, &session);
                }
            }

            if (status != 0)
            {
                throw api.ToException(status, $"Could not load ONNX model '{fullPath}'");
            }

            try
            {
                return new OrtSession(runtime, session, fullPath);
            }
            catch
            {
                // The handle was not created yet if reading the metadata failed.
                api.ReleaseSession(session);
                throw;
            }
        }
        finally
        {
            api.ReleaseSessionOptions(sessionOptions);
            OrtHandleCounter.Released();
        }
    }

    /// <summary>
    /// Runs the model on int64 inputs and returns the requested float outputs (all outputs when
    /// <paramref name="outputNames"/> is null), in that order.
    /// </summary>
    public OrtTensor[] Run(ReadOnlySpan<OrtInput> inputs, IReadOnlyList<string>? outputNames = null)
    {
        var api = runtime.Api;
        var inputCount = inputs.Length;
        var outputCount = outputNames?.Count ?? Outputs.Count;
        var pins = new MemoryHandle[inputCount];
        var extraNames = new List<GCHandle>();
        var inputValues = stackalloc nint[Math.Max(inputCount, 1)];
        var inputNames = stackalloc byte*[Math.Max(inputCount, 1)];
        var outputValues = stackalloc nint[Math.Max(outputCount, 1)];
        var outputNamePtrs = stackalloc byte*[Math.Max(outputCount, 1)];
        new Span<nint>(inputValues, Math.Max(inputCount, 1)).Clear();
        new Span<nint>(outputValues, Math.Max(outputCount, 1)).Clear();
        var addedRef = false;
        try
        {
            handle.DangerousAddRef(ref addedRef);
            for (var i = 0; i < inputCount; i++)
            {
                var input = inputs[i];
                inputNames[i] = NamePointer(input.Name, inputIndex, inputNamesUtf8, extraNames);
                long elements = 1;
                foreach (var d in input.Shape)
                {
                    elements *= d;
                }

                if (elements != input.Data.Length)
                {
                    throw new ArgumentException($"Input '{input.Name}' has {input.Data.Length} values but shape [{string.Join(',', input.Shape)}] needs {elements}.", nameof(inputs));
                }

                pins[i] = input.Data.AsMemory().Pin();
                fixed (long* shape = input.Shape)
                {
                    nint value = 0;
                    api.Check(
                        api.CreateTensorWithDataAsOrtValue(runtime.CpuMemoryInfo, pins[i].Pointer, (nuint)(input.Data.Length * sizeof(long)), shape, (nuint)input.Shape.Length, (int)OrtElementType.Int64, &value),
                        $"Creating input tensor '{input.Name}' for '{Source}'");
                    inputValues[i] = value;
                    OrtHandleCounter.Created();
                }
            }

            for (var i = 0; i < outputCount; i++)
            {
                var name = outputNames is null ? Outputs[i].Name : outputNames[i];
                outputNamePtrs[i] = NamePointer(name, outputIndex, outputNamesUtf8, extraNames);
            }

            var status = api.Run(handle.DangerousGetHandle(), 0, inputNames, inputValues, (nuint)inputCount, outputNamePtrs, (nuint)outputCount, outputValues);
            if (status != 0)
            {
                throw api.ToException(status, $"Running ONNX model '{Source}' failed");
            }

            for (var i = 0; i < outputCount; i++)
            {
                if (outputValues[i] != 0)
                {
                    OrtHandleCounter.Created();
                }
            }

            var results = new OrtTensor[outputCount];
            for (var i = 0; i < outputCount; i++)
            {
                var name = outputNames is null ? Outputs[i].Name : outputNames[i];
                results[i] = CopyOutput(api, outputValues[i], name);
            }

            return results;
        }
        finally
        {
            for (var i = 0; i < inputCount; i++)
            {
                if (inputValues[i] != 0)
                {
                    api.ReleaseValue(inputValues[i]);
                    OrtHandleCounter.Released();
                }

                pins[i].Dispose();
            }

            for (var i = 0; i < outputCount; i++)
            {
                if (outputValues[i] != 0)
                {
                    api.ReleaseValue(outputValues[i]);
                    OrtHandleCounter.Released();
                }
            }

            foreach (var extra in extraNames)
            {
                extra.Free();
            }

            if (addedRef)
            {
                handle.DangerousRelease();
            }
        }
    }

    public void Dispose() => handle.Dispose();

    private static nint CreateSessionOptions(OrtRuntime.State runtime, OrtSessionOptions options)
    {
        var api = runtime.Api;
        nint sessionOptions = 0;
        api.Check(api.CreateSessionOptions(&sessionOptions), "CreateSessionOptions");
        OrtHandleCounter.Created();
        try
        {
            api.Check(api.SetSessionGraphOptimizationLevel(sessionOptions, options.GraphOptimizationLevel), "SetSessionGraphOptimizationLevel");
            if (runtime.Options.PerSessionThreads)
            {
                api.Check(api.SetIntraOpNumThreads(sessionOptions, runtime.IntraOpThreads), "SetIntraOpNumThreads");
                api.Check(api.SetInterOpNumThreads(sessionOptions, 1), "SetInterOpNumThreads");
                var spin = runtime.Options.AllowSpinning ? "1\0"u8 : "0\0"u8;
                fixed (byte* key = "session.intra_op.allow_spinning\0"u8)
                fixed (byte* value = spin)
                {
                    api.Check(api.AddSessionConfigEntry(sessionOptions, key, value), "AddSessionConfigEntry");
                }
            }
            else
            {
                api.Check(api.DisablePerSessionThreads(sessionOptions), "DisablePerSessionThreads");
            }
            api.Check(options.UseMemoryArena ? api.EnableCpuMemArena(sessionOptions) : api.DisableCpuMemArena(sessionOptions), "CpuMemArena");
            return sessionOptions;
        }
        catch
        {
            api.ReleaseSessionOptions(sessionOptions);
            OrtHandleCounter.Released();
            throw;
        }
    }

    private static byte[] PinnedUtf8(string name)
    {
        var bytes = Encoding.UTF8.GetBytes(name);
        var pinned = GC.AllocateArray<byte>(bytes.Length + 1, pinned: true);
        bytes.CopyTo(pinned, 0);
        return pinned;
    }

    private static byte* NamePointer(string name, Dictionary<string, int> index, byte[][] pinnedNames, List<GCHandle> extra)
    {
        if (index.TryGetValue(name, out var i))
        {
            return (byte*)Marshal.UnsafeAddrOfPinnedArrayElement(pinnedNames[i], 0);
        }

        // An undeclared name is passed through so ORT reports it ("Invalid input name") like for any caller.
        var gc = GCHandle.Alloc(Encoding.UTF8.GetBytes(name + "\0"), GCHandleType.Pinned);
        extra.Add(gc);
        return (byte*)gc.AddrOfPinnedObject();
    }

    private OrtTensor CopyOutput(OrtApi api, nint value, string name)
    {
        nint info = 0;
        api.Check(api.GetTensorTypeAndShape(value, &info), $"Reading output '{name}' of '{Source}'");
        try
        {
            int elementType;
            api.Check(api.GetTensorElementType(info, &elementType), "GetTensorElementType");
            if (elementType != (int)OrtElementType.Float)
            {
                throw new NotSupportedException($"Output '{name}' of '{Source}' is {(OrtElementType)elementType}; only float32 outputs are supported.");
            }

            nuint rank;
            api.Check(api.GetDimensionsCount(info, &rank), "GetDimensionsCount");
            var shape = new long[(int)rank];
            long count = 1;
            fixed (long* dims = shape)
            {
                api.Check(api.GetDimensions(info, dims, rank), "GetDimensions");
            }

            foreach (var d in shape)
            {
                count *= d;
            }

            void* data;
            api.Check(api.GetTensorMutableData(value, &data), "GetTensorMutableData");
            var copy = GC.AllocateUninitializedArray<float>(checked((int)count));
            new ReadOnlySpan<float>(data, copy.Length).CopyTo(copy);
            return new OrtTensor(name, shape, copy);
        }
        finally
        {
            api.ReleaseTensorTypeAndShapeInfo(info);
        }
    }

    private IReadOnlyList<OrtNodeInfo> ReadNodes(nint session, bool isInput)
    {
        var api = runtime.Api;
        nuint count;
        api.Check(isInput ? api.SessionGetInputCount(session, &count) : api.SessionGetOutputCount(session, &count), "SessionGetInputCount/OutputCount");
        var nodes = new OrtNodeInfo[(int)count];
        for (nuint i = 0; i < count; i++)
        {
            byte* namePtr = null;
            api.Check(isInput ? api.SessionGetInputName(session, i, runtime.DefaultAllocator, &namePtr) : api.SessionGetOutputName(session, i, runtime.DefaultAllocator, &namePtr), "SessionGetInputName/OutputName");
            string name;
            try
            {
                name = Marshal.PtrToStringUTF8((nint)namePtr) ?? string.Empty;
            }
            finally
            {
                api.Check(api.AllocatorFree(runtime.DefaultAllocator, namePtr), "AllocatorFree");
            }

            nint typeInfo = 0;
            api.Check(isInput ? api.SessionGetInputTypeInfo(session, i, &typeInfo) : api.SessionGetOutputTypeInfo(session, i, &typeInfo), "SessionGetTypeInfo");
            try
            {
                nint tensorInfo = 0;
                api.Check(api.CastTypeInfoToTensorInfo(typeInfo, &tensorInfo), "CastTypeInfoToTensorInfo");
                var elementType = 0;
                var shape = Array.Empty<long>();
                if (tensorInfo != 0)
                {
                    api.Check(api.GetTensorElementType(tensorInfo, &elementType), "GetTensorElementType");
                    nuint rank;
                    api.Check(api.GetDimensionsCount(tensorInfo, &rank), "GetDimensionsCount");
                    shape = new long[(int)rank];
                    fixed (long* dims = shape)
                    {
                        api.Check(api.GetDimensions(tensorInfo, dims, rank), "GetDimensions");
                    }
                }

                nodes[(int)i] = new OrtNodeInfo(name, (OrtElementType)elementType, shape);
            }
            finally
            {
                api.ReleaseTypeInfo(typeInfo);
            }
        }

        return nodes;
    }
}
