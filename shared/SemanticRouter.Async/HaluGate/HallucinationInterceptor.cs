using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using SemanticRouter.Core.Pipeline;
using SemanticRouter.Core.Plugins;

namespace SemanticRouter.Async.HaluGate;

/// <summary>One request's view of the answer for HaluGate: checks whole answers inline, collects streamed ones, and enqueues the audit.</summary>
internal sealed partial class HallucinationInterceptor(RoutingContext context, string grounding, HallucinationSettings settings, HallucinationAuditor auditor, AuditEnqueuer? enqueuer, ILogger logger) : IResponseInterceptor
{
    public const string DetectedHeader = "x-vsr-hallucination-detected";
    public const string SpansHeader = "x-vsr-hallucination-spans";
    public const string WarningsHeader = "x-vsr-response-warnings";
    private const int MaxHeaderChars = 1024;

    private readonly StringBuilder _streamed = new();

    public async ValueTask<byte[]?> OnResponseAsync(int statusCode, byte[] body, CancellationToken cancellationToken)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return null;
        }

        var message = root?["choices"]?[0]?["message"];
        if (message?["content"] is not JsonValue contentNode || !contentNode.TryGetValue<string>(out var answer))
        {
            return null;
        }

        var audit = Message(answer);
        byte[]? replacement = null;
        if (settings.Mode is HallucinationMode.Sync or HallucinationMode.Both && settings.Action != HallucinationAction.None
            && await TryAuditInlineAsync(audit, cancellationToken).ConfigureAwait(false) is { } result)
        {
            context.ResponseHeaders[DetectedHeader] = result.HallucinationDetected ? "true" : "false";
            if (result.HallucinationDetected)
            {
                context.ResponseHeaders[SpansHeader] = HeaderSafe(string.Join("; ", result.Spans.Select(s => s.Text)));
                context.ResponseHeaders[WarningsHeader] = context.ResponseHeaders.TryGetValue(WarningsHeader, out var w) && w.Length > 0 ? w + ",hallucination" : "hallucination";
                if (settings.Action == HallucinationAction.Body)
                {
                    message["content"] = Warning(result) + answer;
                    replacement = Encoding.UTF8.GetBytes(root!.ToJsonString());
                }
            }
        }

        if (settings.Mode is HallucinationMode.Async or HallucinationMode.Both)
        {
            await EnqueueAsync(audit, cancellationToken).ConfigureAwait(false);
        }

        return replacement;
    }

    /// <summary>
    /// A detector that fails (e.g. a configured model that could not be loaded) must not cost the user the answer:
    /// the inline check is skipped (no x-vsr-hallucination-* headers) and logged; a queued audit still fails
    /// loudly (retries, then the poison queue).
    /// </summary>
    private async Task<AuditResult?> TryAuditInlineAsync(AuditMessage audit, CancellationToken cancellationToken)
    {
        try
        {
            return await auditor.AuditAsync(audit, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogInlineCheckFailed(logger, auditor.DetectorName, e.GetType().Name, e.GetBaseException().Message);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Inline hallucination check skipped: detector {Detector} failed ({ExceptionType}: {Reason})")]
    private static partial void LogInlineCheckFailed(ILogger logger, string detector, string exceptionType, string reason);

    public string OnStreamEvent(string data)
    {
        if (_streamed.Length < AuditMessage.MaxAnswerChars)
        {
            try
            {
                using var doc = JsonDocument.Parse(data);
                if (doc.RootElement.TryGetProperty("choices", out var choices) && choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() > 0
                    && choices[0].TryGetProperty("delta", out var delta) && delta.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String)
                {
                    _streamed.Append(content.GetString());
                }
            }
            catch (JsonException)
            {
                // Not a chat chunk; nothing to collect.
            }
        }

        return data;
    }

    public async ValueTask OnStreamEndAsync(bool completed, CancellationToken cancellationToken)
    {
        // A broken stream has no final answer to audit. Streams cannot be checked inline (headers are gone). The relay
        // calls this for a complete stream before it sends [DONE], so the audit is on the queue when the client has it.
        if (completed && settings.Mode is not HallucinationMode.Sync && _streamed.Length > 0)
        {
            await EnqueueAsync(Message(_streamed.ToString()), cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask EnqueueAsync(AuditMessage message, CancellationToken cancellationToken)
    {
        if (enqueuer is not null)
        {
            // Awaited: the answer's last byte goes out only once the audit is on the queue (docs/halugate.md).
            await enqueuer.HandOffAsync(message, cancellationToken).ConfigureAwait(false);
        }
    }

    private AuditMessage Message(string answer)
    {
        var question = context.Request.LastUserText;
        var truncated = grounding.Length > AuditMessage.MaxContextChars || question.Length > AuditMessage.MaxQuestionChars || answer.Length > AuditMessage.MaxAnswerChars;
        return new AuditMessage
        {
            RequestId = context.RequestId,
            Context = Cut(grounding, AuditMessage.MaxContextChars),
            Question = Cut(question, AuditMessage.MaxQuestionChars),
            Answer = Cut(answer, AuditMessage.MaxAnswerChars),
            Model = context.SelectedModel?.Name,
            Decision = context.Decision?.Decision.Name,
            Timestamp = DateTimeOffset.UtcNow,
            Truncated = truncated,
        };
    }

    private static string Cut(string s, int max) => s.Length <= max ? s : s[..max];

    private static string Warning(AuditResult result)
    {
        var sb = new StringBuilder("[Hallucination Warning] Parts of this answer are not supported by the provided context:\n");
        foreach (var s in result.Spans)
        {
            sb.Append("- ").Append(s.Explanation).Append('\n');
        }

        return sb.Append("Please verify these details.\n\n").ToString();
    }

    /// <summary>Header values must be visible ASCII; the span list is bounded.</summary>
    private static string HeaderSafe(string value)
    {
        var sb = new StringBuilder(Math.Min(value.Length, MaxHeaderChars));
        foreach (var c in value)
        {
            if (sb.Length >= MaxHeaderChars)
            {
                break;
            }

            sb.Append(c is >= ' ' and <= '~' ? c : '?');
        }

        return sb.ToString();
    }
}
