using System.Runtime.InteropServices;

namespace SemanticRouter.Inference.OnnxRuntime;

/// <summary>
/// The slice of ONNX Runtime's C function table (<c>OrtApi</c>, API version 30) that the engine calls.
/// Slot indices come from docs/reference/onnxruntime-c-api.md; the table is append-only, so they hold for 1.30.
/// </summary>
internal sealed unsafe class OrtApi
{
    public const uint ApiVersion = 30;

    private static readonly Lazy<OrtApi> LazyInstance = new(Create, LazyThreadSafetyMode.ExecutionAndPublication);

    private OrtApi(nint* api, string version, string source)
    {
        Version = version;
        LibrarySource = source;
        CreateStatus = (delegate* unmanaged<int, byte*, nint>)api[0];
        GetErrorCode = (delegate* unmanaged<nint, int>)api[1];
        GetErrorMessage = (delegate* unmanaged<nint, byte*>)api[2];
        CreateEnv = (delegate* unmanaged<int, byte*, nint*, nint>)api[3];
        CreateSession = (delegate* unmanaged<nint, byte*, nint, nint*, nint>)api[7];
        CreateSessionFromArray = (delegate* unmanaged<nint, void*, nuint, nint, nint*, nint>)api[8];
        Run = (delegate* unmanaged<nint, nint, byte**, nint*, nuint, byte**, nuint, nint*, nint>)api[9];
        CreateSessionOptions = (delegate* unmanaged<nint*, nint>)api[10];
        EnableCpuMemArena = (delegate* unmanaged<nint, nint>)api[18];
        DisableCpuMemArena = (delegate* unmanaged<nint, nint>)api[19];
        SetSessionGraphOptimizationLevel = (delegate* unmanaged<nint, int, nint>)api[23];
        SetIntraOpNumThreads = (delegate* unmanaged<nint, int, nint>)api[24];
        SetInterOpNumThreads = (delegate* unmanaged<nint, int, nint>)api[25];
        SessionGetInputCount = (delegate* unmanaged<nint, nuint*, nint>)api[30];
        SessionGetOutputCount = (delegate* unmanaged<nint, nuint*, nint>)api[31];
        SessionGetInputTypeInfo = (delegate* unmanaged<nint, nuint, nint*, nint>)api[33];
        SessionGetOutputTypeInfo = (delegate* unmanaged<nint, nuint, nint*, nint>)api[34];
        SessionGetInputName = (delegate* unmanaged<nint, nuint, nint, byte**, nint>)api[36];
        SessionGetOutputName = (delegate* unmanaged<nint, nuint, nint, byte**, nint>)api[37];
        CreateTensorWithDataAsOrtValue = (delegate* unmanaged<nint, void*, nuint, long*, nuint, int, nint*, nint>)api[49];
        GetTensorMutableData = (delegate* unmanaged<nint, void**, nint>)api[51];
        CastTypeInfoToTensorInfo = (delegate* unmanaged<nint, nint*, nint>)api[55];
        GetOnnxTypeFromTypeInfo = (delegate* unmanaged<nint, int*, nint>)api[56];
        GetTensorElementType = (delegate* unmanaged<nint, int*, nint>)api[60];
        GetDimensionsCount = (delegate* unmanaged<nint, nuint*, nint>)api[61];
        GetDimensions = (delegate* unmanaged<nint, long*, nuint, nint>)api[62];
        GetTensorTypeAndShape = (delegate* unmanaged<nint, nint*, nint>)api[65];
        CreateCpuMemoryInfo = (delegate* unmanaged<int, int, nint*, nint>)api[69];
        AllocatorFree = (delegate* unmanaged<nint, void*, nint>)api[76];
        GetAllocatorWithDefaultOptions = (delegate* unmanaged<nint*, nint>)api[78];
        ReleaseStatus = (delegate* unmanaged<nint, void>)api[93];
        ReleaseMemoryInfo = (delegate* unmanaged<nint, void>)api[94];
        ReleaseSession = (delegate* unmanaged<nint, void>)api[95];
        ReleaseValue = (delegate* unmanaged<nint, void>)api[96];
        ReleaseTypeInfo = (delegate* unmanaged<nint, void>)api[98];
        ReleaseTensorTypeAndShapeInfo = (delegate* unmanaged<nint, void>)api[99];
        ReleaseSessionOptions = (delegate* unmanaged<nint, void>)api[100];
        CreateEnvWithGlobalThreadPools = (delegate* unmanaged<int, byte*, nint, nint*, nint>)api[119];
        DisablePerSessionThreads = (delegate* unmanaged<nint, nint>)api[120];
        CreateThreadingOptions = (delegate* unmanaged<nint*, nint>)api[121];
        ReleaseThreadingOptions = (delegate* unmanaged<nint, void>)api[122];
        AddSessionConfigEntry = (delegate* unmanaged<nint, byte*, byte*, nint>)api[130];
        SetGlobalIntraOpNumThreads = (delegate* unmanaged<nint, int, nint>)api[147];
        SetGlobalInterOpNumThreads = (delegate* unmanaged<nint, int, nint>)api[148];
        SetGlobalSpinControl = (delegate* unmanaged<nint, int, nint>)api[149];
    }

    public static OrtApi Instance => LazyInstance.Value;

    public string Version { get; }

    public string LibrarySource { get; }

    public readonly delegate* unmanaged<int, byte*, nint> CreateStatus;

    public readonly delegate* unmanaged<nint, int> GetErrorCode;

    public readonly delegate* unmanaged<nint, byte*> GetErrorMessage;

    public readonly delegate* unmanaged<int, byte*, nint*, nint> CreateEnv;

    public readonly delegate* unmanaged<nint, byte*, nint, nint*, nint> CreateSession;

    public readonly delegate* unmanaged<nint, void*, nuint, nint, nint*, nint> CreateSessionFromArray;

    public readonly delegate* unmanaged<nint, nint, byte**, nint*, nuint, byte**, nuint, nint*, nint> Run;

    public readonly delegate* unmanaged<nint*, nint> CreateSessionOptions;

    public readonly delegate* unmanaged<nint, nint> EnableCpuMemArena;

    public readonly delegate* unmanaged<nint, nint> DisableCpuMemArena;

    public readonly delegate* unmanaged<nint, int, nint> SetSessionGraphOptimizationLevel;

    public readonly delegate* unmanaged<nint, int, nint> SetIntraOpNumThreads;

    public readonly delegate* unmanaged<nint, int, nint> SetInterOpNumThreads;

    public readonly delegate* unmanaged<nint, nuint*, nint> SessionGetInputCount;

    public readonly delegate* unmanaged<nint, nuint*, nint> SessionGetOutputCount;

    public readonly delegate* unmanaged<nint, nuint, nint*, nint> SessionGetInputTypeInfo;

    public readonly delegate* unmanaged<nint, nuint, nint*, nint> SessionGetOutputTypeInfo;

    public readonly delegate* unmanaged<nint, nuint, nint, byte**, nint> SessionGetInputName;

    public readonly delegate* unmanaged<nint, nuint, nint, byte**, nint> SessionGetOutputName;

    public readonly delegate* unmanaged<nint, void*, nuint, long*, nuint, int, nint*, nint> CreateTensorWithDataAsOrtValue;

    public readonly delegate* unmanaged<nint, void**, nint> GetTensorMutableData;

    public readonly delegate* unmanaged<nint, nint*, nint> CastTypeInfoToTensorInfo;

    public readonly delegate* unmanaged<nint, int*, nint> GetOnnxTypeFromTypeInfo;

    public readonly delegate* unmanaged<nint, int*, nint> GetTensorElementType;

    public readonly delegate* unmanaged<nint, nuint*, nint> GetDimensionsCount;

    public readonly delegate* unmanaged<nint, long*, nuint, nint> GetDimensions;

    public readonly delegate* unmanaged<nint, nint*, nint> GetTensorTypeAndShape;

    public readonly delegate* unmanaged<int, int, nint*, nint> CreateCpuMemoryInfo;

    public readonly delegate* unmanaged<nint, void*, nint> AllocatorFree;

    public readonly delegate* unmanaged<nint*, nint> GetAllocatorWithDefaultOptions;

    public readonly delegate* unmanaged<nint, void> ReleaseStatus;

    public readonly delegate* unmanaged<nint, void> ReleaseMemoryInfo;

    public readonly delegate* unmanaged<nint, void> ReleaseSession;

    public readonly delegate* unmanaged<nint, void> ReleaseValue;

    public readonly delegate* unmanaged<nint, void> ReleaseTypeInfo;

    public readonly delegate* unmanaged<nint, void> ReleaseTensorTypeAndShapeInfo;

    public readonly delegate* unmanaged<nint, void> ReleaseSessionOptions;

    public readonly delegate* unmanaged<int, byte*, nint, nint*, nint> CreateEnvWithGlobalThreadPools;

    public readonly delegate* unmanaged<nint, nint> DisablePerSessionThreads;

    public readonly delegate* unmanaged<nint*, nint> CreateThreadingOptions;

    public readonly delegate* unmanaged<nint, void> ReleaseThreadingOptions;

    public readonly delegate* unmanaged<nint, byte*, byte*, nint> AddSessionConfigEntry;

    public readonly delegate* unmanaged<nint, int, nint> SetGlobalIntraOpNumThreads;

    public readonly delegate* unmanaged<nint, int, nint> SetGlobalInterOpNumThreads;

    public readonly delegate* unmanaged<nint, int, nint> SetGlobalSpinControl;

    /// <summary>Turns a non-null <c>OrtStatus*</c> into an <see cref="OrtException"/> (freeing the status).</summary>
    public void Check(nint status, string context)
    {
        if (status != 0)
        {
            throw ToException(status, context);
        }
    }

    public OrtException ToException(nint status, string context)
    {
        try
        {
            var code = (OrtErrorCode)GetErrorCode(status);
            var message = Marshal.PtrToStringUTF8((nint)GetErrorMessage(status)) ?? "(no message)";
            return new OrtException(code, $"{context}: ONNX Runtime error {code}: {message}");
        }
        finally
        {
            ReleaseStatus(status);
        }
    }

    private static OrtApi Create()
    {
        var (library, source) = OrtLibraryResolver.Load();
        if (!NativeLibrary.TryGetExport(library, "OrtGetApiBase", out var getApiBaseExport))
        {
            throw new DllNotFoundException($"'{source}' does not export OrtGetApiBase; it is not an ONNX Runtime library.");
        }

        var getApiBase = (delegate* unmanaged<nint*>)getApiBaseExport;
        var apiBase = getApiBase();
        var getApi = (delegate* unmanaged<uint, nint*>)apiBase[0];
        var getVersion = (delegate* unmanaged<byte*>)apiBase[1];
        var version = Marshal.PtrToStringUTF8((nint)getVersion()) ?? "unknown";
        var api = getApi(ApiVersion);
        if (api is null)
        {
            throw new DllNotFoundException($"ONNX Runtime at '{source}' is version {version}; API version {ApiVersion} (ONNX Runtime 1.30 or newer) is required.");
        }

        return new OrtApi(api, version, source);
    }
}
