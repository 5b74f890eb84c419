using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using SemanticRouter.Async.Queues;
using SemanticRouter.Core.OpenAI;
using SemanticRouter.Core.Pipeline;
using SemanticRouter.Storage.Azure;

namespace SemanticRouter.Async.Feedback;

/// <summary>
/// <c>POST /v1/feedback</c>: authenticates, validates, attributes the rating to the model and
/// decision that served the request, enqueues a <see cref="FeedbackMessage"/> and answers 202.
/// Nothing heavier runs on the request path; ingestion happens in the queue function.
/// </summary>
internal sealed partial class FeedbackWebhook(FeedbackTokenAuthenticator auth, IRequestAttributions attributions, IQueueProvider queues, ILogger<FeedbackWebhook> logger, TimeProvider? time = null)
{
    public const int MaxBodyBytes = 16 * 1024;
    public const string Unattributed = "unattributed";
    public const string NoDecision = "-";

    /// <param name="authenticatedByApiKey">True when the host's API-key auth already admitted the caller; the feedback token is then not needed.</param>
    public async Task<RouterResponse> HandleAsync(RouterRequest request, bool authenticatedByApiKey, CancellationToken cancellationToken)
    {
        if (!authenticatedByApiKey && !auth.IsAuthorized(request.Headers))
        {
            var error = RouterPipeline.Error(new RouterException(401, "authentication_error", "invalid_feedback_token", auth.IsConfigured
                ? "Missing or wrong feedback token (Authorization: Bearer <token> or x-feedback-token)."
                : "The feedback webhook needs FEEDBACK_WEBHOOK_TOKEN (or API-key auth) to be configured."));
            error.Headers["www-authenticate"] = "Bearer";
            return error;
        }

        FeedbackMessage message;
        try
        {
            message = Parse(request);
        }
        catch (RouterException e)
        {
            return RouterPipeline.Error(e);
        }

        try
        {
            var queue = await queues.GetAsync(QueueNames.Feedback, cancellationToken).ConfigureAwait(false);
            await queue.SendAsync(JsonSerializer.Serialize(message, AsyncJsonContext.Default.FeedbackMessage), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (StorageRequestException e)
        {
            LogEnqueueFailed(e.Status is null ? "no response" : ((int)e.Status).ToString(CultureInfo.InvariantCulture), e.ErrorCode ?? "-");
            return RouterPipeline.Error(new RouterException(503, "server_error", "feedback_unavailable", "Feedback could not be queued; retry later."));
        }

        LogAccepted(message.FeedbackId, message.Model, message.Decision, message.Rating);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("status", "accepted");
            w.WriteString("feedback_id", message.FeedbackId);
            w.WriteString("request_id", message.RequestId);
            w.WriteString("model", message.Model);
            w.WriteString("decision", message.Decision);
            w.WriteEndObject();
        }

        return RouterResponse.Json(202, buffer.ToArray());
    }

    internal FeedbackMessage Parse(RouterRequest request)
    {
        if (request.Body.Length == 0)
        {
            throw RouterException.BadRequest("Body must be a JSON object with request_id (or response_id) and rating.");
        }

        if (request.Body.Length > MaxBodyBytes)
        {
            throw RouterException.TooLarge($"Feedback body is {request.Body.Length} bytes; the limit is {MaxBodyBytes}.");
        }

        JsonElement root;
        try
        {
            using var doc = JsonDocument.Parse(request.Body, new JsonDocumentOptions { MaxDepth = 8 });
            root = doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw RouterException.BadRequest("Body is not valid JSON.", code: "invalid_json");
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw RouterException.BadRequest("Body must be a JSON object.", code: "invalid_json");
        }

        var requestId = OptionalId(root, "request_id");
        var responseId = OptionalId(root, "response_id");
        if (requestId is null && responseId is null)
        {
            throw RouterException.BadRequest("One of request_id or response_id is required.", "request_id");
        }

        var rating = Rating(root);
        var category = OptionalString(root, "category", 64);
        if (category is not null && !FeedbackCategories.All.Contains(category))
        {
            throw RouterException.BadRequest($"category must be one of {string.Join(", ", FeedbackCategories.All)}.", "category");
        }

        var userId = OptionalString(root, "user_id", 256);
        var model = OptionalString(root, "model", 256);
        var decision = OptionalString(root, "decision", 256);
        if ((model is not null && !Identifiers.IsLabel(model)) || (decision is not null && !Identifiers.IsLabel(decision)))
        {
            throw RouterException.BadRequest("model and decision must be plain names.", model is null ? "decision" : "model");
        }

        // The served model and decision recorded by this instance win over what the client claims.
        if (requestId is not null && attributions.TryGet(requestId, out var served))
        {
            model = served.Model;
            decision = served.Decision;
        }

        return new FeedbackMessage
        {
            FeedbackId = FeedbackId(request.Headers),
            RequestId = requestId,
            ResponseId = responseId,
            Rating = rating,
            Category = category,
            UserHash = userId is null ? null : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(userId)))[..16],
            Model = model ?? Unattributed,
            Decision = decision ?? NoDecision,
            Timestamp = (time ?? TimeProvider.System).GetUtcNow(),
        };
    }

    /// <summary>An <c>Idempotency-Key</c> makes client retries count once; otherwise every call is a new rating.</summary>
    private static string FeedbackId(IReadOnlyDictionary<string, string> headers)
    {
        if (headers.TryGetValue("idempotency-key", out var key) && key.Length is > 0 and <= 256)
        {
            return "k" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..31];
        }

        return Guid.NewGuid().ToString("N");
    }

    private static string Rating(JsonElement root)
    {
        if (!root.TryGetProperty("rating", out var r))
        {
            throw RouterException.BadRequest("rating is required: \"up\", \"down\" or 1..5.", "rating");
        }

        var rating = r.ValueKind switch
        {
            JsonValueKind.Number when r.TryGetInt32(out var n) => n.ToString(CultureInfo.InvariantCulture),
            JsonValueKind.String => r.GetString()!.Trim().ToLowerInvariant() switch
            {
                "thumbs_up" or "+1" => "up",
                "thumbs_down" or "-1" => "down",
                var s => s,
            },
            _ => null,
        };
        return rating is not null && RatingScore.IsValid(rating)
            ? rating
            : throw RouterException.BadRequest("rating must be \"up\", \"down\" or an integer 1..5.", "rating");
    }

    private static string? OptionalId(JsonElement root, string name)
    {
        var s = OptionalString(root, name, 128);
        return s is null || Identifiers.IsValid(s) ? s : throw RouterException.BadRequest($"{name} must be 1..128 characters of letters, digits, '-', '_' or '.'.", name);
    }

    private static string? OptionalString(JsonElement root, string name, int maxLength)
    {
        if (!root.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (v.ValueKind != JsonValueKind.String)
        {
            throw RouterException.BadRequest($"{name} must be a string.", name);
        }

        var s = v.GetString()!;
        return s.Length is > 0 && s.Length <= maxLength ? s : throw RouterException.BadRequest($"{name} must be 1..{maxLength} characters.", name);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Feedback {FeedbackId} accepted for {Model}/{Decision}: {Rating}")]
    private partial void LogAccepted(string feedbackId, string model, string decision, string rating);

    [LoggerMessage(Level = LogLevel.Error, Message = "Feedback could not be queued: {Status} {Code}")]
    private partial void LogEnqueueFailed(string status, string code);
}
