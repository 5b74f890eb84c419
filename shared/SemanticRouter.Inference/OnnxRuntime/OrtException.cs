using Microsoft.ML.OnnxRuntime;

namespace SemanticRouter.Inference.OnnxRuntime;

/// <summary>
/// An error reported by ONNX Runtime (the package's <see cref="OnnxRuntimeException"/>, kept as the inner exception)
/// with ORT's own code and a message that names the model file.
/// </summary>
public sealed class OrtException : Exception
{
    public OrtException(string message, OnnxRuntimeException innerException)
        : base(message, innerException)
    {
        ArgumentNullException.ThrowIfNull(innerException);
        Code = ParseCode(innerException.Message);
    }

    public OrtException(string message)
        : base(message)
    {
    }

    public OrtException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public OrtException()
    {
    }

    /// <summary>ORT's <c>OrtErrorCode</c>; <see cref="OrtErrorCode.Ok"/> when the error did not come from ORT.</summary>
    public OrtErrorCode Code { get; }

    /// <summary>
    /// The package keeps its code enum internal and writes the code as the message prefix
    /// <c>[ErrorCode:InvalidProtobuf]</c>; <see cref="OrtErrorCode.Fail"/> when a message has no recognisable prefix.
    /// </summary>
    internal static OrtErrorCode ParseCode(string message)
    {
        const string Prefix = "[ErrorCode:";
        if (message.StartsWith(Prefix, StringComparison.Ordinal))
        {
            var end = message.IndexOf(']', Prefix.Length);
            if (end > 0 && Enum.TryParse<OrtErrorCode>(message.AsSpan(Prefix.Length, end - Prefix.Length), out var code))
            {
                return code;
            }
        }

        return OrtErrorCode.Fail;
    }
}

/// <summary>ONNX Runtime's <c>OrtErrorCode</c> values (onnxruntime_c_api.h); the package's own enum is internal.</summary>
public enum OrtErrorCode
{
    Ok = 0,
    Fail = 1,
    InvalidArgument = 2,
    NoSuchFile = 3,
    NoModel = 4,
    EngineError = 5,
    RuntimeException = 6,
    InvalidProtobuf = 7,
    ModelLoaded = 8,
    NotImplemented = 9,
    InvalidGraph = 10,
    EpFail = 11,
    ModelLoadCanceled = 12,
    ModelRequiresCompilation = 13,
    NotFound = 14,
    DeviceReset = 15,
}
