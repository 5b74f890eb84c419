using System.Text.Json;
using Microsoft.Extensions.Logging;
using SemanticRouter.Async.Queues;
using SemanticRouter.Core.Observability;

namespace SemanticRouter.Async.HaluGate;

/// <summary>
/// The <c>halugate-audits</c> queue function: audits one answered request and stores the result
/// under its request id. A redelivered message finds the stored result and does nothing; two
/// instances racing on one message both compute, and the first write wins.
/// </summary>
internal sealed partial class HalugateAuditHandler(HallucinationAuditor auditor, IAuditStore store, ILogger<HalugateAuditHandler> logger, RouterMetrics? metrics = null) : IQueueMessageHandler
{
    public const string Function = "HalugateAudit";

    public string QueueName => QueueNames.HalugateAudits;

    public string FunctionName => Function;

    public int MaxBatchSize => 8;

    public async Task<IReadOnlyList<MessageOutcome>> HandleAsync(IReadOnlyList<QueueWorkItem> messages, CancellationToken cancellationToken)
    {
        var outcomes = new MessageOutcome[messages.Count];
        for (var i = 0; i < messages.Count; i++)
        {
            outcomes[i] = await HandleOneAsync(messages[i], cancellationToken).ConfigureAwait(false);
        }

        return outcomes;
    }

    private async Task<MessageOutcome> HandleOneAsync(QueueWorkItem item, CancellationToken cancellationToken)
    {
        var (message, error) = Parse(item.Text);
        if (message is null)
        {
            return MessageOutcome.Poison(error!);
        }

        if (await store.GetAsync(message.RequestId, cancellationToken).ConfigureAwait(false) is not null)
        {
            LogDuplicate(message.RequestId);
            return MessageOutcome.AlreadyDone;
        }

        var result = await auditor.AuditAsync(message, cancellationToken).ConfigureAwait(false);
        if (!await store.TryAddAsync(result, cancellationToken).ConfigureAwait(false))
        {
            // Another instance audited the same message first: its result stands.
            LogDuplicate(message.RequestId);
            return MessageOutcome.AlreadyDone;
        }

        metrics?.AuditCompleted(result.ContextMissing ? "skipped" : result.HallucinationDetected ? "hallucinated" : "grounded");
        LogAudited(message.RequestId, result.HallucinationDetected, result.Spans.Count, message.Model ?? "-", message.Decision ?? "-");
        return MessageOutcome.Done;
    }

    internal static (AuditMessage? Message, string? Error) Parse(string text)
    {
        AuditMessage? m;
        try
        {
            m = JsonSerializer.Deserialize(text, AsyncJsonContext.Default.AuditMessage);
        }
        catch (JsonException e)
        {
            return (null, "not an audit message: invalid JSON at byte " + (e.BytePositionInLine ?? 0));
        }

        return m switch
        {
            null => (null, "not an audit message: null"),
            { Version: not AuditMessage.CurrentVersion } => (null, $"unsupported audit message version {m.Version}"),
            _ when !Identifiers.IsValid(m.RequestId) => (null, "request_id is missing or malformed"),
            _ when m.Context.Length > AuditMessage.MaxContextChars || m.Answer.Length > AuditMessage.MaxAnswerChars || m.Question.Length > AuditMessage.MaxQuestionChars => (null, "a text field exceeds its size limit"),
            _ => (m, null),
        };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Audit {RequestId} already stored; redelivery ignored")]
    private partial void LogDuplicate(string requestId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Audited {RequestId}: hallucination={Detected}, {Spans} span(s), model {Model}, decision {Decision}")]
    private partial void LogAudited(string requestId, bool detected, int spans, string model, string decision);
}
