using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SemanticRouter.Functions.Tests.StandInHost.Rpc;
using SemanticRouter.Testing;

namespace SemanticRouter.Functions.Tests.StandInHost;

/// <summary>
/// A STAND-IN for the Azure Functions host, which cannot run here (Core Tools downloads its binaries when installed).
/// It plays the host's side of the worker protocol — a gRPC <c>FunctionRpc.EventStream</c> server — and launches the
/// real worker process from the built app folder (<c>SemanticRouter.dll</c> with host.json, functions.metadata and
/// worker.config.json) with the arguments the host passes: start stream → init → metadata → one load per function →
/// invocations. HTTP invocations go as the host's proxy sends them: an <c>InvocationRequest</c> and, at the same time,
/// the real HTTP request to the worker's own listener (the <c>HttpUri</c> capability) carrying <c>x-ms-invocation-id</c>.
/// What it does not do: scale, retry or poison queue messages (the real host does that from the Failure it would get).
/// </summary>
internal sealed class StandInFunctionsHost : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly WebApplication _grpc;
    private readonly WorkerSession _session;
    private readonly Process _worker;
    private readonly StringBuilder _workerOutput = new();

    private StandInFunctionsHost(WebApplication grpc, WorkerSession session, Process worker)
    {
        _grpc = grpc;
        _session = session;
        _worker = worker;
    }

    /// <summary>The folder of the built worker app (the functions project's build output for this configuration).</summary>
    public static string BuiltAppDirectory
    {
        get
        {
            var configuration = typeof(StandInFunctionsHost).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
            return Path.Combine(RepoPaths.Root, "functions", "SemanticRouter.Functions", "bin", configuration, "net10.0");
        }
    }

    /// <summary>The functions the worker reported, as the host received them (function ids assigned by the worker).</summary>
    public IReadOnlyList<RpcFunctionMetadata> Functions { get; private set; } = [];

    /// <summary>The worker's own HTTP listener, which the host proxies HTTP triggers to.</summary>
    public Uri WorkerHttp { get; private set; } = null!;

    /// <summary>Everything the worker logged over the stream (RpcLog), for failure messages.</summary>
    public IEnumerable<RpcLog> Logs => _session.Logs;

    public static async Task<StandInFunctionsHost> StartAsync(IReadOnlyDictionary<string, string> appSettings, string? appDirectory = null)
    {
        appDirectory ??= BuiltAppDirectory;
        Assert.True(File.Exists(Path.Combine(appDirectory, "functions.metadata")), $"no built worker app in {appDirectory}");
        var session = new WorkerSession();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc(o => o.MaxReceiveMessageSize = null);
        builder.Services.AddSingleton(session);
        var grpc = builder.Build();
        grpc.MapGrpcService<EventStreamService>();
        await grpc.StartAsync();
        var hostUri = grpc.Urls.First() + "/";

        var workerId = Guid.NewGuid().ToString();
        var dll = Path.Combine(appDirectory, "SemanticRouter.dll");
        var psi = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = appDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "exec", dll, "--functions-uri", hostUri, "--functions-worker-id", workerId, "--functions-request-id", Guid.NewGuid().ToString(), "--functions-grpc-max-message-length", "2147483647" })
        {
            psi.ArgumentList.Add(arg);
        }

        // The host hands app settings to the worker as environment variables; nothing of the test runner's own leaks in.
        foreach (var name in new[] { "AzureWebJobsStorage", "SEMANTIC_ROUTER_CONFIG", "SEMANTIC_ROUTER_ADMIN_KEY", "SEMANTIC_ROUTER_API_KEY" })
        {
            psi.Environment.Remove(name);
        }

        psi.Environment["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated";
        psi.Environment["FUNCTIONS_APPLICATION_DIRECTORY"] = appDirectory;
        foreach (var (name, value) in appSettings)
        {
            psi.Environment[name] = value;
        }

        var worker = Process.Start(psi)!;
        var host = new StandInFunctionsHost(grpc, session, worker);
        worker.OutputDataReceived += (_, e) => host.Capture(e.Data);
        worker.ErrorDataReceived += (_, e) => host.Capture(e.Data);
        worker.BeginOutputReadLine();
        worker.BeginErrorReadLine();
        try
        {
            await host.HandshakeAsync(workerId, appDirectory);
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }

        return host;
    }

    /// <summary>Invokes a queue function with one message, as the queue extension does, and returns the worker's answer.</summary>
    public Task<InvocationResponse> InvokeQueueAsync(string function, string message, long dequeueCount = 1, string? messageId = null)
    {
        var request = NewInvocation(function);
        request.InputData.Add(new ParameterBinding { Name = "message", Data = new TypedData { String = message } });
        // The host sends trigger metadata as JSON (the worker rejects TypedData.Int there): numbers as is, strings quoted.
        request.TriggerMetadata["DequeueCount"] = new TypedData { Json = dequeueCount.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        request.TriggerMetadata["Id"] = new TypedData { Json = JsonSerializer.Serialize(messageId ?? Guid.NewGuid().ToString()) };
        request.TriggerMetadata["InsertionTime"] = new TypedData { Json = JsonSerializer.Serialize(DateTimeOffset.UtcNow) };
        return _session.InvokeAsync(request);
    }

    /// <summary>
    /// Invokes an HTTP function: the InvocationRequest over gRPC and the HTTP request to the worker's listener with the
    /// invocation id, as the host's proxy does. Returns the HTTP answer (after its headers, so a stream can be read as
    /// it arrives) and the invocation's result, which completes when the function has finished.
    /// </summary>
    public async Task<(HttpResponseMessage Response, Task<InvocationResponse> Result)> InvokeHttpAsync(HttpClient client, string function, HttpRequestMessage request, CancellationToken cancellationToken = default)
    {
        var invocation = NewInvocation(function);
        var http = new RpcHttp { Method = request.Method.Method, Url = new Uri(WorkerHttp, request.RequestUri!).ToString() };
        invocation.InputData.Add(new ParameterBinding { Name = "req", Data = new TypedData { Http = http } });
        request.RequestUri = new Uri(WorkerHttp, request.RequestUri!);
        request.Headers.Add("x-ms-invocation-id", invocation.InvocationId);
        var result = _session.InvokeAsync(invocation);
        try
        {
            var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            return (response, result);
        }
        catch (HttpRequestException e)
        {
            throw new HttpRequestException($"{e.Message} (worker {(_worker.HasExited ? "exited with " + _worker.ExitCode : "running")}):\n{Diagnostics()}", e);
        }
    }

    /// <summary>What the worker printed and logged, to explain a failed assertion.</summary>
    public string Diagnostics()
    {
        lock (_workerOutput)
        {
            return _workerOutput + string.Join('\n', _session.Logs.Select(l => $"[{l.Level}] {l.Category}: {l.Message} {l.Exception?.Message}"));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_worker.HasExited)
        {
            _worker.Kill(entireProcessTree: true);
        }

        await _worker.WaitForExitAsync();
        _worker.Dispose();
        _session.Complete();
        await _grpc.StopAsync();
        await _grpc.DisposeAsync();
    }

    private InvocationRequest NewInvocation(string function)
    {
        var id = Functions.SingleOrDefault(f => f.Name == function)?.FunctionId ?? throw new InvalidOperationException($"the worker reported no function {function}");
        return new InvocationRequest
        {
            InvocationId = Guid.NewGuid().ToString(),
            FunctionId = id,

            // The worker dereferences the trace context on every invocation (the real host always sends one).
            TraceContext = new RpcTraceContext { TraceParent = $"00-{Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())}-{Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()[..8])}-01" },
        };
    }

    private async Task HandshakeAsync(string workerId, string appDirectory)
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        var exited = _worker.WaitForExitAsync(timeout.Token);
        var started = await WhenOrFail(_session.Started.Task, exited, timeout.Token);
        Assert.Equal(workerId, started.WorkerId);

        var init = await WhenOrFail(
            _session.RequestAsync(new StreamingMessage { WorkerInitRequest = new WorkerInitRequest { HostVersion = "4.1040.300.0", WorkerDirectory = appDirectory, FunctionAppDirectory = appDirectory } }, m => m.WorkerInitResponse),
            exited,
            timeout.Token);
        Assert.True(init.Result.Status == StatusResult.Types.Status.Success, init.Result.Exception?.Message);
        Assert.True(init.Capabilities.TryGetValue("HttpUri", out var httpUri), "the worker did not report its HTTP listener (HttpUri): is ASP.NET Core integration on?");
        WorkerHttp = new Uri(httpUri);

        var metadata = await WhenOrFail(
            _session.RequestAsync(new StreamingMessage { FunctionsMetadataRequest = new FunctionsMetadataRequest { FunctionAppDirectory = appDirectory } }, m => m.FunctionMetadataResponse),
            exited,
            timeout.Token);
        Assert.True(metadata.Result.Status == StatusResult.Types.Status.Success, metadata.Result.Exception?.Message);
        Functions = metadata.FunctionMetadataResults;

        foreach (var function in Functions)
        {
            // The host turns the worker's raw bindings into the binding map it sends back with the load request.
            var load = new FunctionLoadRequest { FunctionId = function.FunctionId, Metadata = function.Clone() };
            foreach (var raw in function.RawBindings)
            {
                var binding = JsonNode.Parse(raw)!;
                load.Metadata.Bindings[(string)binding["name"]!] = new BindingInfo
                {
                    Type = (string)binding["type"]!,
                    Direction = string.Equals((string?)binding["direction"], "out", StringComparison.OrdinalIgnoreCase) ? BindingInfo.Types.Direction.Out : BindingInfo.Types.Direction.In,
                    DataType = string.Equals((string?)binding["dataType"], "String", StringComparison.OrdinalIgnoreCase) ? BindingInfo.Types.DataType.String : BindingInfo.Types.DataType.Undefined,
                };
            }

            var loaded = await WhenOrFail(_session.RequestAsync(new StreamingMessage { FunctionLoadRequest = load }, m => m.FunctionLoadResponse), exited, timeout.Token);
            Assert.True(loaded.Result.Status == StatusResult.Types.Status.Success, $"{function.Name}: {loaded.Result.Exception?.Message}");
        }

        // The worker reports its HTTP listener before Kestrel has necessarily bound it (the real host's proxy retries a
        // refused connection); wait until it accepts connections, so the first invocation does not race it.
        await WhenOrFail(ListeningAsync(WorkerHttp, timeout.Token), exited, timeout.Token);
    }

    private static async Task<bool> ListeningAsync(Uri uri, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                using var probe = new System.Net.Sockets.TcpClient();
                await probe.ConnectAsync(uri.Host, uri.Port, cancellationToken);
                return true;
            }
            catch (System.Net.Sockets.SocketException)
            {
                await Task.Delay(50, cancellationToken);
            }
        }
    }

    private async Task<T> WhenOrFail<T>(Task<T> step, Task exited, CancellationToken timeout)
    {
        var done = await Task.WhenAny(step, exited, Task.Delay(Timeout.Infinite, timeout));
        if (done != step)
        {
            Assert.Fail((exited.IsCompletedSuccessfully ? $"the worker exited ({_worker.ExitCode}) during start-up" : "the worker did not finish start-up in time") + ":\n" + Diagnostics());
        }

        return await step;
    }

    private void Capture(string? line)
    {
        if (line is not null)
        {
            lock (_workerOutput)
            {
                _workerOutput.AppendLine(line);
            }
        }
    }

    /// <summary>The one event stream the worker opens: messages in both directions, answers matched to what asked for them.</summary>
    internal sealed class WorkerSession
    {
        private readonly System.Threading.Channels.Channel<StreamingMessage> _outbound = System.Threading.Channels.Channel.CreateUnbounded<StreamingMessage>();
        private readonly ConcurrentDictionary<string, Action<StreamingMessage>> _pending = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, TaskCompletionSource<InvocationResponse>> _invocations = new(StringComparer.Ordinal);

        public TaskCompletionSource<StartStream> Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ConcurrentQueue<RpcLog> Logs { get; } = new();

        /// <summary>Sends a request and completes with the first answer of the expected kind (the protocol answers in order).</summary>
        public Task<T> RequestAsync<T>(StreamingMessage message, Func<StreamingMessage, T> answer)
            where T : class
        {
            var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
            var key = message.ContentCase switch
            {
                StreamingMessage.ContentOneofCase.WorkerInitRequest => nameof(StreamingMessage.ContentOneofCase.WorkerInitResponse),
                StreamingMessage.ContentOneofCase.FunctionsMetadataRequest => nameof(StreamingMessage.ContentOneofCase.FunctionMetadataResponse),
                _ => "load:" + message.FunctionLoadRequest.FunctionId,
            };
            _pending[key] = m => done.TrySetResult(answer(m));
            message.RequestId = Guid.NewGuid().ToString();
            _outbound.Writer.TryWrite(message);
            return done.Task;
        }

        public Task<InvocationResponse> InvokeAsync(InvocationRequest request)
        {
            var done = new TaskCompletionSource<InvocationResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
            _invocations[request.InvocationId] = done;
            _outbound.Writer.TryWrite(new StreamingMessage { RequestId = Guid.NewGuid().ToString(), InvocationRequest = request });
            return done.Task;
        }

        public void Complete() => _outbound.Writer.TryComplete();

        public async Task RunAsync(IAsyncStreamReader<StreamingMessage> fromWorker, IServerStreamWriter<StreamingMessage> toWorker, CancellationToken cancellationToken)
        {
            var writer = Task.Run(
                async () =>
                {
                    await foreach (var message in _outbound.Reader.ReadAllAsync(cancellationToken))
                    {
                        await toWorker.WriteAsync(message, cancellationToken);
                    }
                },
                cancellationToken);
            try
            {
                await foreach (var message in fromWorker.ReadAllAsync(cancellationToken))
                {
                    Dispatch(message);
                }
            }
            catch (OperationCanceledException)
            {
                // The worker went away or the stand-in is stopping.
            }

            _outbound.Writer.TryComplete();
            await writer.ContinueWith(_ => { }, TaskScheduler.Default);
        }

        private void Dispatch(StreamingMessage message)
        {
            switch (message.ContentCase)
            {
                case StreamingMessage.ContentOneofCase.StartStream:
                    Started.TrySetResult(message.StartStream);
                    break;
                case StreamingMessage.ContentOneofCase.RpcLog:
                    Logs.Enqueue(message.RpcLog);
                    break;
                case StreamingMessage.ContentOneofCase.InvocationResponse:
                    if (_invocations.TryRemove(message.InvocationResponse.InvocationId, out var invocation))
                    {
                        invocation.TrySetResult(message.InvocationResponse);
                    }

                    break;
                case StreamingMessage.ContentOneofCase.FunctionLoadResponse:
                    Answer("load:" + message.FunctionLoadResponse.FunctionId, message);
                    break;
                default:
                    Answer(message.ContentCase.ToString(), message);
                    break;
            }
        }

        private void Answer(string key, StreamingMessage message)
        {
            if (_pending.TryRemove(key, out var complete))
            {
                complete(message);
            }
        }
    }

    private sealed class EventStreamService(WorkerSession session) : FunctionRpc.FunctionRpcBase
    {
        public override Task EventStream(IAsyncStreamReader<StreamingMessage> requestStream, IServerStreamWriter<StreamingMessage> responseStream, ServerCallContext context) =>
            session.RunAsync(requestStream, responseStream, context.CancellationToken);
    }
}
