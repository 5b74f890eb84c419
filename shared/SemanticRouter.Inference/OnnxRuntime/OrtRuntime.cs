using System.Text;

namespace SemanticRouter.Inference.OnnxRuntime;

/// <summary>
/// The one ONNX Runtime environment of the process: global thread pools shared by all sessions
/// (sessions add no threads) and one CPU memory description for input tensors. ORT returns the same
/// env for every create call and ignores later arguments, so it is created once, with final options.
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

    /// <summary>The version string reported by the loaded native library (e.g. "1.30.0").</summary>
    public static string Version => Current.Api.Version;

    /// <summary>Where the native library was loaded from.</summary>
    public static string LibrarySource => Current.Api.LibrarySource;

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

    internal sealed unsafe class State
    {
        private State(OrtApi api, nint env, nint memoryInfo, nint allocator, OrtRuntimeOptions options)
        {
            Options = options;
            Api = api;
            Env = env;
            CpuMemoryInfo = memoryInfo;
            DefaultAllocator = allocator;
        }

        public OrtApi Api { get; }

        public OrtRuntimeOptions Options { get; }

        public int IntraOpThreads => Options.IntraOpThreads > 0 ? Options.IntraOpThreads : Environment.ProcessorCount;

        public nint Env { get; }

        public nint CpuMemoryInfo { get; }

        public nint DefaultAllocator { get; }

        /// <summary>ORT reports races when sessions are created concurrently; creation is serialised here.</summary>
        public Lock SessionCreationGate { get; } = new();

        public static State Create(OrtRuntimeOptions options)
        {
            var api = OrtApi.Instance;
            nint threading = 0;
            api.Check(api.CreateThreadingOptions(&threading), "CreateThreadingOptions");
            nint env = 0;
            try
            {
                var intra = options.IntraOpThreads > 0 ? options.IntraOpThreads : Environment.ProcessorCount;
                api.Check(api.SetGlobalIntraOpNumThreads(threading, intra), "SetGlobalIntraOpNumThreads");
                api.Check(api.SetGlobalInterOpNumThreads(threading, 1), "SetGlobalInterOpNumThreads");
                api.Check(api.SetGlobalSpinControl(threading, options.AllowSpinning ? 1 : 0), "SetGlobalSpinControl");
                var logId = Encoding.UTF8.GetBytes("semantic-router\0");
                fixed (byte* id = logId)
                {
                    api.Check(
                        options.PerSessionThreads
                            ? api.CreateEnv(Math.Clamp(options.LogSeverity, 0, 4), id, &env)
                            : api.CreateEnvWithGlobalThreadPools(Math.Clamp(options.LogSeverity, 0, 4), id, threading, &env),
                        "CreateEnv");
                }
            }
            finally
            {
                api.ReleaseThreadingOptions(threading);
            }

            nint memoryInfo = 0;
            api.Check(api.CreateCpuMemoryInfo(1, 0, &memoryInfo), "CreateCpuMemoryInfo");
            nint allocator = 0;
            api.Check(api.GetAllocatorWithDefaultOptions(&allocator), "GetAllocatorWithDefaultOptions");

            // The env lives for the whole process: ORT itself skips env teardown at exit, and releasing it
            // while a late session still runs would crash.
            return new State(api, env, memoryInfo, allocator, options);
        }
    }
}
