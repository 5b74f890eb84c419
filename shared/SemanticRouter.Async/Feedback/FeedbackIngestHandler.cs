using System.Text.Json;
using SemanticRouter.Async.Queues;
using SemanticRouter.Core.Observability;

namespace SemanticRouter.Async.Feedback;

/// <summary>
/// The <c>feedback</c> queue function: validates each message, then applies the valid ones to the
/// ratings in one compare-and-swap write. Malformed messages go to poison; a storage failure
/// throws so the whole batch is retried (already-applied ids are skipped then).
/// </summary>
internal sealed class FeedbackIngestHandler(RatingsAggregator aggregator, RouterMetrics? metrics = null) : IQueueMessageHandler
{
    public const string Function = "FeedbackIngest";

    public string QueueName => QueueNames.Feedback;

    public string FunctionName => Function;

    public int MaxBatchSize => 256;

    public async Task<IReadOnlyList<MessageOutcome>> HandleAsync(IReadOnlyList<QueueWorkItem> messages, CancellationToken cancellationToken)
    {
        var outcomes = new MessageOutcome[messages.Count];
        var valid = new List<FeedbackMessage>(messages.Count);
        var positions = new List<int>(messages.Count);
        for (var i = 0; i < messages.Count; i++)
        {
            var (message, error) = Parse(messages[i].Text);
            if (message is null)
            {
                outcomes[i] = MessageOutcome.Poison(error!);
                continue;
            }

            valid.Add(message);
            positions.Add(i);
        }

        if (valid.Count > 0)
        {
            var isNew = await aggregator.ApplyAsync(valid, cancellationToken).ConfigureAwait(false);
            for (var j = 0; j < positions.Count; j++)
            {
                outcomes[positions[j]] = isNew[j] ? MessageOutcome.Done : MessageOutcome.AlreadyDone;
                if (isNew[j])
                {
                    // Counted once per rating applied, so redeliveries do not inflate it.
                    metrics?.FeedbackRating(valid[j].Model, valid[j].Rating);
                }
            }
        }

        return outcomes;
    }

    internal static (FeedbackMessage? Message, string? Error) Parse(string text)
    {
        FeedbackMessage? m;
        try
        {
            m = JsonSerializer.Deserialize(text, AsyncJsonContext.Default.FeedbackMessage);
        }
        catch (JsonException e)
        {
            return (null, "not a feedback message: invalid JSON at byte " + (e.BytePositionInLine ?? 0));
        }

        return m switch
        {
            null => (null, "not a feedback message: null"),
            { Version: not FeedbackMessage.CurrentVersion } => (null, $"unsupported feedback message version {m.Version}"),
            _ when !Identifiers.IsValid(m.FeedbackId) => (null, "feedback_id is missing or malformed"),
            _ when !RatingScore.IsValid(m.Rating) => (null, "rating must be up, down or 1..5"),
            _ when m.Category is not null && !FeedbackCategories.All.Contains(m.Category) => (null, "unknown category"),
            _ when !Identifiers.IsLabel(m.Model) || !Identifiers.IsLabel(m.Decision) => (null, "model or decision is missing or malformed"),
            _ => (m, null),
        };
    }
}
