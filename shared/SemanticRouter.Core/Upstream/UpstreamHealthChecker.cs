using System.Net;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SemanticRouter.Core.Observability;
using SemanticRouter.Core.Pipeline;

namespace SemanticRouter.Core.Upstream;

/// <summary>
/// Active health checks (<c>reliability.health_check_path</c>): every <c>health_check_interval</c> each backend of such
/// a model gets a GET on that path of its host; any answer other than 2xx within <c>health_check_timeout</c> takes it
/// out of rotation until a later check passes, and a pass ends a passive ejection early. It reads the active snapshot
/// on each round, so reloads that add, change or drop checks take effect without a restart. Models without a path
/// are never probed, and a config without any costs one timer wake-up a second.
/// </summary>
public sealed partial class UpstreamHealthChecker(IRouterSnapshotSource snapshots, HttpMessageInvoker invoker, ILogger<UpstreamHealthChecker> logger, RouterMetrics? metrics = null, TimeProvider? time = null) : BackgroundService
{
    private static readonly TimeSpan IdleWake = TimeSpan.FromSeconds(1);
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Dictionary<BackendHealth, DateTimeOffset> _due = [];
    private readonly HashSet<BackendHealth> _probing = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = _time.GetUtcNow();
            var next = now + IdleWake;
            var seen = new HashSet<BackendHealth>();
            foreach (var model in snapshots.Current.Models)
            {
                var r = model.Reliability;
                if (r.HealthCheckPath is not { } path)
                {
                    continue;
                }

                foreach (var backend in model.Backends)
                {
                    seen.Add(backend.Health);
                    if (_due.TryGetValue(backend.Health, out var due) && due > now)
                    {
                        next = due < next ? due : next;
                        continue;
                    }

                    _due[backend.Health] = now + r.HealthCheckInterval;
                    lock (_probing)
                    {
                        if (!_probing.Add(backend.Health))
                        {
                            continue; // the last probe is still waiting for its timeout
                        }
                    }

                    _ = ProbeAsync(model, backend, new Uri(backend.Config.BaseUrl, path), r.HealthCheckTimeout, stoppingToken);
                }
            }

            foreach (var gone in _due.Keys.Where(k => !seen.Contains(k)).ToList())
            {
                _due.Remove(gone);
            }

            try
            {
                var wait = next - _time.GetUtcNow();
                await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.FromMilliseconds(1), _time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One probe; returns whether it passed. Public so a test or a CLI check can run one on demand.</summary>
    public async Task<bool> ProbeAsync(UpstreamModel model, UpstreamBackend backend, Uri url, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var passed = false;
        string verdict;
        try
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            cts.CancelAfter(timeout);
            using var request = new HttpRequestMessage(HttpMethod.Get, url) { Version = HttpVersion.Version11 };
            if (backend.AuthHeaderValue is not null)
            {
                request.Headers.TryAddWithoutValidation(backend.Config.AuthHeader, backend.AuthHeaderValue);
            }

            using var response = await invoker.SendAsync(request, cts.Token).ConfigureAwait(false);
            passed = response.IsSuccessStatusCode;
            verdict = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        catch (OperationCanceledException)
        {
            verdict = "timeout";
        }
        catch (HttpRequestException e)
        {
            verdict = e.HttpRequestError == HttpRequestError.ConnectionError ? "connect_error" : "transport_error";
        }
        finally
        {
            lock (_probing)
            {
                _probing.Remove(backend.Health);
            }
        }

        var wasOut = backend.Health.ActiveCheckFailed;
        backend.Health.RecordHealthCheck(passed);
        if (!passed && !wasOut)
        {
            metrics?.BackendEjected(model.Name, backend.Name, "health_check");
            LogCheckFailed(model.Name, backend.Name, verdict);
        }
        else if (passed && wasOut)
        {
            LogCheckPassed(model.Name, backend.Name);
        }

        return passed;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Health check failed for backend {Backend} of model {Model} ({Verdict}); out of rotation until a check passes")]
    private partial void LogCheckFailed(string model, string backend, string verdict);

    [LoggerMessage(Level = LogLevel.Information, Message = "Health check passed for backend {Backend} of model {Model}; back in rotation")]
    private partial void LogCheckPassed(string model, string backend);
}
