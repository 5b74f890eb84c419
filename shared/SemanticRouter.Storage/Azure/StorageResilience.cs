using System.Net.Sockets;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace SemanticRouter.Storage.Azure;

/// <summary>Builds the retry pipelines once per account; requests call ExecuteAsync and know nothing of the policy.</summary>
internal static class StorageResilience
{
    /// <summary>Retry + per-attempt timeout, for requests whose bodies are small.</summary>
    public static ResiliencePipeline BuildRequestPipeline(StorageRetryOptions options) =>
        new ResiliencePipelineBuilder()
            .AddRetry(RetryOptions(options))
            .AddTimeout(options.AttemptTimeout)
            .Build();

    /// <summary>Retry only, for blob bodies: a large transfer must not be cut by a fixed timeout; downloads resume where they stopped.</summary>
    public static ResiliencePipeline BuildTransferPipeline(StorageRetryOptions options) =>
        new ResiliencePipelineBuilder()
            .AddRetry(RetryOptions(options))
            .Build();

    public static bool IsTransient(Exception exception, CancellationToken callerToken) => exception switch
    {
        StorageRequestException storage => storage.IsTransient,
        TimeoutRejectedException => true,
        HttpRequestException => true,
        IOException => true,
        SocketException => true,
        OperationCanceledException => !callerToken.IsCancellationRequested,
        _ => false,
    };

    private static RetryStrategyOptions RetryOptions(StorageRetryOptions options) => new()
    {
        MaxRetryAttempts = options.MaxRetryAttempts,
        Delay = options.BaseDelay,
        MaxDelay = options.MaxDelay,
        BackoffType = DelayBackoffType.Exponential,
        UseJitter = true,
        ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } e && IsTransient(e, args.Context.CancellationToken)),
    };
}
