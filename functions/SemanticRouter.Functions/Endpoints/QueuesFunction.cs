using SemanticRouter.Async.Queues;
using SemanticRouter.Core.Pipeline;
using SemanticRouter.Storage.Azure;

namespace SemanticRouter.Functions.Endpoints;

/// <summary>
/// <c>GET /api/v1/queues</c>: the approximate depth of the HaluGate audit and feedback queues and of their poison
/// queues, so an operator (or <c>status</c>) sees a backlog or failing messages without opening the storage account.
/// A queue that cannot be read is reported with its error instead of failing the whole answer.
/// </summary>
internal sealed class QueuesFunction(IQueueProvider queues) : IRouterFunction
{
    private static readonly string[] Names = [QueueNames.HalugateAudits, QueueNames.Feedback];

    public string Name => "Queues";

    public string Route => "api/v1/queues";

    public IReadOnlyList<string> Methods => ["GET"];

    public bool IsManagement => true;

    public async Task<RouterResponse> InvokeAsync(RouterRequest request, CancellationToken cancellationToken)
    {
        var depths = new List<(string Name, int? Depth, int? Poison, string? Error)>(Names.Length);
        foreach (var name in Names)
        {
            try
            {
                var depth = await (await queues.GetAsync(name, cancellationToken)).GetApproximateCountAsync(cancellationToken);
                var poison = await (await queues.GetAsync(QueueNames.Poison(name), cancellationToken)).GetApproximateCountAsync(cancellationToken);
                depths.Add((name, depth, poison, null));
            }
            catch (StorageRequestException e)
            {
                depths.Add((name, null, null, e.Message.ReplaceLineEndings(" ")));
            }
        }

        return JsonResponses.Write(200, w =>
        {
            w.WriteStartObject();
            w.WriteString("transport", queues.IsInProcess ? "in_process" : "storage");
            w.WriteStartObject("queues");
            foreach (var (name, depth, poison, error) in depths)
            {
                w.WriteStartObject(name);
                if (error is null)
                {
                    w.WriteNumber("depth", depth!.Value);
                    w.WriteNumber("poison_depth", poison!.Value);
                }
                else
                {
                    w.WriteString("error", error);
                }

                w.WriteEndObject();
            }

            w.WriteEndObject();
            w.WriteEndObject();
        });
    }
}
