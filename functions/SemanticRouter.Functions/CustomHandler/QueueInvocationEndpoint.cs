using System.Text.Json;
using SemanticRouter.Async.Queues;

namespace SemanticRouter.Functions.CustomHandler;

/// <summary>
/// <c>POST /{FunctionName}</c> for the queue-triggered functions (HalugateAudit, FeedbackIngest).
/// Success → 200 <c>{"Outputs":{},"Logs":[…],"ReturnValue":null}</c> and the host deletes the
/// message. A message that can never succeed is moved to <c>&lt;queue&gt;-poison</c> by us and also
/// answered 200 (so the host does not retry it five times). A transient failure → 500, so the host
/// makes the message visible again and, after <c>maxDequeueCount</c>, poisons it itself.
/// An unreadable invocation payload → 400.
/// </summary>
internal static partial class QueueInvocationEndpoint
{
    public const string BindingName = "message";

    public static void Map(WebApplication app)
    {
        foreach (var handler in app.Services.GetServices<IQueueMessageHandler>())
        {
            var h = handler;
            app.MapPost("/" + h.FunctionName, (HttpContext http) => InvokeAsync(http, h));
        }
    }

    private static async Task InvokeAsync(HttpContext http, IQueueMessageHandler handler)
    {
        var logger = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(QueueInvocationEndpoint));
        var invocationId = http.Request.Headers["X-Azure-Functions-InvocationId"].ToString();
        QueueWorkItem? item;
        try
        {
            using var doc = await JsonDocument.ParseAsync(http.Request.Body, new JsonDocumentOptions { MaxDepth = 64 }, http.RequestAborted);
            item = QueueInvocation.FromPayload(doc.RootElement, BindingName);
        }
        catch (JsonException)
        {
            item = null;
        }

        if (item is null)
        {
            LogBadPayload(logger, handler.FunctionName, invocationId);
            await WriteAsync(http, 400, "invocation payload has no readable Data." + BindingName);
            return;
        }

        MessageOutcome outcome;
        try
        {
            outcome = (await handler.HandleAsync([item], http.RequestAborted))[0];
        }
        catch (Exception e) when (e is not OperationCanceledException || !http.RequestAborted.IsCancellationRequested)
        {
            LogFailed(logger, handler.FunctionName, invocationId, item.MessageId, item.DequeueCount, e.GetType().Name);
            await WriteAsync(http, 500, $"failed: {e.GetType().Name}; the host will retry (dequeue count {item.DequeueCount})");
            return;
        }

        if (!outcome.Completed)
        {
            var poison = http.RequestServices.GetRequiredService<PoisonQueue>();
            try
            {
                await poison.MoveAsync(handler.QueueName, item, outcome.PoisonReason ?? "rejected", http.RequestAborted);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Could not park it ourselves: fail, so the host retries and eventually poisons it.
                LogFailed(logger, handler.FunctionName, invocationId, item.MessageId, item.DequeueCount, e.GetType().Name);
                await WriteAsync(http, 500, "poison queue unavailable: " + e.GetType().Name);
                return;
            }

            await WriteAsync(http, 200, "moved to " + QueueNames.Poison(handler.QueueName) + ": " + outcome.PoisonReason);
            return;
        }

        await WriteAsync(http, 200, "completed message " + item.MessageId);
    }

    private static async Task WriteAsync(HttpContext http, int status, string log)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        await using var w = new Utf8JsonWriter(http.Response.Body);
        w.WriteStartObject();
        w.WriteStartObject("Outputs");
        w.WriteEndObject();
        w.WriteStartArray("Logs");
        w.WriteStringValue(log);
        w.WriteEndArray();
        w.WriteNull("ReturnValue");
        w.WriteEndObject();
        await w.FlushAsync(http.RequestAborted);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Function} invocation {InvocationId}: unreadable payload")]
    private static partial void LogBadPayload(ILogger logger, string function, string invocationId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Function} invocation {InvocationId} failed on message {MessageId} (dequeue count {DequeueCount}): {ExceptionType}")]
    private static partial void LogFailed(ILogger logger, string function, string invocationId, string messageId, long dequeueCount, string exceptionType);
}
