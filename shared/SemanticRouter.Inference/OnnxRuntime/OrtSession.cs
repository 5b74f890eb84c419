using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace SemanticRouter.Inference.OnnxRuntime;

/// <summary>
/// One loaded ONNX model over the package's <see cref="InferenceSession"/>: int64 inputs fed by name, float32 outputs
/// copied out, errors that name the model file, and every native object (session options, per-run values) released
/// before the call returns. <see cref="Run"/> is thread-safe (ORT supports concurrent runs on a CPU session), so one
/// instance serves all request threads. Dispose releases the native session once no run holds it.
/// </summary>
public sealed class OrtSession : IDisposable
{
    private readonly OrtSessionHandle handle;
    private readonly HashSet<string> inputNames;
    private readonly HashSet<string> outputNames;
    private readonly string[] allOutputs;

    private OrtSession(InferenceSession session, string source)
    {
        Source = source;
        Inputs = session.InputNames.Select(n => NodeInfo(n, session.InputMetadata[n])).ToArray();
        Outputs = session.OutputNames.Select(n => NodeInfo(n, session.OutputMetadata[n])).ToArray();
        inputNames = new HashSet<string>(session.InputNames, StringComparer.Ordinal);
        outputNames = new HashSet<string>(session.OutputNames, StringComparer.Ordinal);
        allOutputs = [.. session.OutputNames];
        handle = new OrtSessionHandle(session);
    }

    /// <summary>Where the model came from (a path), for error messages.</summary>
    public string Source { get; }

    public IReadOnlyList<OrtNodeInfo> Inputs { get; }

    public IReadOnlyList<OrtNodeInfo> Outputs { get; }

    public bool HasInput(string name) => inputNames.Contains(name);

    public bool HasOutput(string name) => outputNames.Contains(name);

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
        using var sessionOptions = CreateSessionOptions(runtime, options ?? new OrtSessionOptions());
        InferenceSession session;
        try
        {
            lock (runtime.SessionCreationGate)
            {
                session = new InferenceSession(fullPath, sessionOptions);
            }
        }
        catch (OnnxRuntimeException e)
        {
            throw new OrtException($"Could not load ONNX model '{fullPath}': {e.Message}", e);
        }
        finally
        {
            OrtHandleCounter.Released();
        }

        try
        {
            return new OrtSession(session, fullPath);
        }
        catch
        {
            // The handle does not own the session yet if reading the metadata failed.
            session.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Runs the model on int64 or float32 inputs and returns the requested float outputs (all outputs when
    /// <paramref name="outputNames"/> is null), in that order.
    /// </summary>
    public OrtTensor[] Run(ReadOnlySpan<OrtInput> inputs, IReadOnlyList<string>? outputNames = null)
    {
        var outputs = outputNames ?? allOutputs;
        var names = new string[inputs.Length];
        var values = new OrtValue?[inputs.Length];
        IDisposableReadOnlyCollection<OrtValue>? results = null;
        var addedRef = false;
        try
        {
            handle.DangerousAddRef(ref addedRef);
            for (var i = 0; i < inputs.Length; i++)
            {
                var input = inputs[i];
                long elements = 1;
                foreach (var d in input.Shape)
                {
                    elements *= d;
                }

                if (elements != input.Length)
                {
                    throw new ArgumentException($"Input '{input.Name}' has {input.Length} values but shape [{string.Join(',', input.Shape)}] needs {elements}.", nameof(inputs));
                }

                names[i] = input.Name;

                // Wraps the pinned managed array: ORT reads the values in place, no copy.
                values[i] = input.FloatData is { } floats
                    ? OrtValue.CreateTensorValueFromMemory(floats, input.Shape)
                    : OrtValue.CreateTensorValueFromMemory(input.Data, input.Shape);
                OrtHandleCounter.Created();
            }

            try
            {
                results = handle.Session.Run(handle.RunOptions, names, values!, outputs);
            }
            catch (OnnxRuntimeException e)
            {
                throw new OrtException($"Running ONNX model '{Source}' failed: {e.Message}", e);
            }

            for (var i = 0; i < results.Count; i++)
            {
                OrtHandleCounter.Created();
            }

            var copied = new OrtTensor[outputs.Count];
            var k = 0;
            foreach (var value in results)
            {
                copied[k] = CopyOutput(value, outputs[k]);
                k++;
            }

            return copied;
        }
        finally
        {
            foreach (var value in values)
            {
                if (value is not null)
                {
                    value.Dispose();
                    OrtHandleCounter.Released();
                }
            }

            if (results is not null)
            {
                for (var i = 0; i < results.Count; i++)
                {
                    OrtHandleCounter.Released();
                }

                results.Dispose();
            }

            if (addedRef)
            {
                handle.DangerousRelease();
            }
        }
    }

    public void Dispose() => handle.Dispose();

    private static SessionOptions CreateSessionOptions(OrtRuntime.State runtime, OrtSessionOptions options)
    {
        var sessionOptions = new SessionOptions();
        OrtHandleCounter.Created();
        try
        {
            sessionOptions.GraphOptimizationLevel = options.GraphOptimizationLevel;
            sessionOptions.EnableCpuMemArena = options.UseMemoryArena;
            if (runtime.Options.PerSessionThreads)
            {
                sessionOptions.IntraOpNumThreads = runtime.IntraOpThreads;
                sessionOptions.InterOpNumThreads = 1;
                sessionOptions.AddSessionConfigEntry("session.intra_op.allow_spinning", runtime.Options.AllowSpinning ? "1" : "0");
            }
            else
            {
                // Runs use the env's global pools (OrtRuntime): loading more models adds no threads.
                sessionOptions.DisablePerSessionThreads();
            }

            return sessionOptions;
        }
        catch
        {
            sessionOptions.Dispose();
            OrtHandleCounter.Released();
            throw;
        }
    }

    private static OrtNodeInfo NodeInfo(string name, NodeMetadata metadata) =>
        metadata.IsTensor
            ? new OrtNodeInfo(name, metadata.ElementDataType, metadata.Dimensions.Select(d => (long)d).ToArray())
            : new OrtNodeInfo(name, default, []);

    private OrtTensor CopyOutput(OrtValue value, string name)
    {
        var info = value.GetTensorTypeAndShape();
        if (info.ElementDataType != TensorElementType.Float)
        {
            throw new NotSupportedException($"Output '{name}' of '{Source}' is {info.ElementDataType}; only float32 outputs are supported.");
        }

        return new OrtTensor(name, info.Shape, value.GetTensorDataAsSpan<float>().ToArray());
    }
}
