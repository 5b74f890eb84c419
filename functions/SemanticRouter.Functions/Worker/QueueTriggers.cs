using Microsoft.Azure.Functions.Worker;
using SemanticRouter.Async.Queues;

namespace SemanticRouter.Functions.Worker;

/// <summary>
/// The queue functions: HaluGate audits and feedback ingestion, triggered by the Functions host's queue extension
/// (host.json <c>extensions.queues</c>: batch size, visibility timeout, <c>maxDequeueCount</c> → <c>&lt;queue&gt;-poison</c>).
/// The connection is <c>AzureWebJobsStorage</c>: a connection string, or identity-based
/// <c>AzureWebJobsStorage__queueServiceUri</c>/<c>__accountName</c> with a managed identity. The work is done by the
/// same host-agnostic handlers the standalone pollers call (<see cref="QueueTriggerRunner"/>).
/// </summary>
internal sealed class QueueTriggers(QueueTriggerRunner runner)
{
    public const string Connection = "AzureWebJobsStorage";

    [Function("HalugateAudit")]
    public Task HalugateAudit([QueueTrigger(QueueNames.HalugateAudits, Connection = Connection)] string message, FunctionContext context) =>
        runner.RunAsync(QueueNames.HalugateAudits, message, context);

    [Function("FeedbackIngest")]
    public Task FeedbackIngest([QueueTrigger(QueueNames.Feedback, Connection = Connection)] string message, FunctionContext context) =>
        runner.RunAsync(QueueNames.Feedback, message, context);
}
