using Microsoft.ML.OnnxRuntime;

namespace SemanticRouter.Inference.OnnxRuntime;

/// <summary>
/// The one ONNX Runtime environment of the process, created with global thread pools shared by all sessions
/// (sessions add no threads). <see cref="OrtEnv"/> is a process singleton that ignores options once it exists, and
/// <see cref="InferenceSession"/> creates a default one on first use, so every session load goes through
/// <see cref="Current"/>, which creates it first, with the final options.
/// </summary>
public static class OrtRuntime
{
    private static readonly Lock Gate = new();
    private static OrtRuntimeOptions options = new();
    private static State? state;

    /// <summary>Sets the process-wide options; allowed only before the first model is loaded.</summary>
    public static void Configure(OrtRuntimeOptions runtimeOptions)
    {
        ArgumentNullException.ThrowIfNull(runtimeOptions);
        lock (Gate)
        {
            if (state is not null && runtimeOptions != options)
            {
                throw new InvalidOperationException("ONNX Runtime is already initialised; call OrtRuntime.Configure before loading the first model.");
            }

            options = runtimeOptions;
        }
    }

    /// <summary>The version string reported by the loaded native library (e.g. "1.32.0").</summary>
    public static string Version => Current.Env.GetVersionString();

    internal static State Current
    {
        get
        {
            var current = Volatile.Read(ref state);
            if (current is not null)
            {
                return current;
            }

            lock (Gate)
            {
                state ??= State.Create(options);
                return state;
            }
        }
    }

    internal sealed class State
    {
        private State(OrtEnv env, OrtRuntimeOptions options)
        {
            Env = env;
            Options = options;
        }

        public OrtEnv Env { get; }

        public OrtRuntimeOptions Options { get; }

        public int IntraOpThreads => Options.IntraOpThreads > 0 ? Options.IntraOpThreads : Environment.ProcessorCount;

        /// <summary>ORT reports races when sessions are created concurrently; creation is serialised here.</summary>
        public Lock SessionCreationGate { get; } = new();

        public static State Create(OrtRuntimeOptions options)
        {
            if (OrtEnv.IsCreated)
            {
                throw new InvalidOperationException("The ONNX Runtime environment was created outside OrtRuntime; its thread pools cannot be configured.");
            }

            var creation = new EnvironmentCreationOptions
            {
                logId = "semantic-router",
                logLevel = (OrtLoggingLevel)Math.Clamp(options.LogSeverity, 0, 4),
            };
            if (options.PerSessionThreads)
            {
                return new State(OrtEnv.CreateInstanceWithOptions(ref creation), options);
            }

            // The threading options are copied into the env at creation; they are not needed afterwards.
            using var threading = new OrtThreadingOptions
            {
                GlobalIntraOpNumThreads = options.IntraOpThreads > 0 ? options.IntraOpThreads : Environment.ProcessorCount,
                GlobalInterOpNumThreads = 1,
                GlobalSpinControl = options.AllowSpinning,
            };
            creation.threadOptions = threading;

            // The env lives for the whole process: ORT itself skips env teardown at exit, and releasing it
            // while a late session still runs would crash.
            return new State(OrtEnv.CreateInstanceWithOptions(ref creation), options);
        }
    }
}
