using SemanticRouter.Storage.Azure.Blobs;
using SemanticRouter.Storage.Azure.Queues;

namespace SemanticRouter.Storage.Azure;

/// <summary>
/// One storage account: a shared HTTP connection pool, the credential and the retry pipelines,
/// built once. Hand out blob and queue clients from it; they are cheap and thread-safe.
/// </summary>
public sealed class StorageAccount : IQueueClientFactory, IDisposable
{
    private readonly HttpClient _httpClient;
    private readonly StorageTransport _transport;

    public StorageAccount(StorageAccountOptions options, StorageRetryOptions? retryOptions = null, HttpMessageHandler? handler = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        var time = timeProvider ?? TimeProvider.System;
        _httpClient = new HttpClient(handler ?? CreateHandler(), disposeHandler: handler is null) { Timeout = Timeout.InfiniteTimeSpan };
        IStorageAuthorizer authorizer = options switch
        {
            { AccountKey: { } key } => new SharedKeyAuthorizer(options.AccountName, Convert.FromBase64String(key)),
            { SharedAccessSignature: { } sas } => new SasAuthorizer(sas),
            { TokenCredential: { } credential } => new BearerTokenAuthorizer(credential, time),
            _ => throw new InvalidOperationException("no credential"),
        };
        _transport = new StorageTransport(_httpClient, authorizer, retryOptions ?? new StorageRetryOptions(), time);
    }

    public StorageAccountOptions Options { get; }

    public IBlobClient GetBlobClient(string containerName) =>
        new BlobRestClient(_transport, Options.BlobEndpoint ?? throw new InvalidOperationException("No blob endpoint configured for " + Options.Describe()), StorageNames.ValidateContainerOrQueue(containerName, "container"));

    public IQueueClient GetQueueClient(string queueName) =>
        new QueueRestClient(_transport, Options.QueueEndpoint ?? throw new InvalidOperationException("No queue endpoint configured for " + Options.Describe()), StorageNames.ValidateContainerOrQueue(queueName, "queue"));

    public void Dispose() => _httpClient.Dispose();

    private static SocketsHttpHandler CreateHandler() => new()
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectTimeout = TimeSpan.FromSeconds(10),
        AutomaticDecompression = System.Net.DecompressionMethods.None,
        UseCookies = false,
    };
}
