using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SemanticRouter.Core.Observability;

namespace SemanticRouter.Async.Queues;

/// <summary>
/// Standalone hosting of the queue functions: <see cref="QueuePollerOptions.Workers"/> receive loops
/// per handler for the life of the process. Not started under the Functions host, whose queue
/// triggers invoke the same handlers.
/// </summary>
internal sealed partial class QueueWorkerService(IEnumerable<IQueueMessageHandler> handlers, IQueueProvider queues, PoisonQueue poison, QueuePollerOptions options, ILoggerFactory loggers, RouterMetrics? metrics = null) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var logger = loggers.CreateLogger<QueueWorkerService>();
        var loops = new List<Task>();
        foreach (var handler in handlers)
        {
            LogStarting(logger, handler.QueueName, options.Workers, queues.IsInProcess ? "in-process" : "storage");
            for (var i = 0; i < options.Workers; i++)
            {
                var poller = new QueuePoller(handler, queues, poison, options, loggers.CreateLogger<QueuePoller>(), metrics);
                loops.Add(Task.Run(() => poller.RunAsync(stoppingToken), CancellationToken.None));
            }
        }

        return Task.WhenAll(loops);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Polling queue {Queue} with {Workers} worker(s) ({Kind})")]
    private static partial void LogStarting(ILogger logger, string queue, int workers, string kind);
}
