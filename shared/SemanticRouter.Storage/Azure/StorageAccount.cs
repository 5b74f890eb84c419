using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using SemanticRouter.Storage.Azure.Blobs;
using SemanticRouter.Storage.Azure.Queues;

namespace SemanticRouter.Storage.Azure;

/// <summary>
/// One storage account over the official SDKs (Azure.Storage.Blobs, Azure.Storage.Queues, Azure.Data.Tables): the credential (account
/// key, SAS or an Azure.Identity token credential), the SDK's retry policy and the pinned service version, built once.
/// Hand out blob, queue and table clients from it; they are cheap and thread-safe.
/// </summary>
public sealed class StorageAccount : IQueueClientFactory, IDisposable
{
    /// <summary>
    /// The SDKs default to a service version Azurite 3.35 (tests, local development) rejects with
    /// <c>400 InvalidHeaderValue</c>; 2025-01-05 is accepted by Azure and Azurite alike, so one build works on both
    /// without starting Azurite with <c>--skipApiVersionCheck</c>.
    /// </summary>
    public const string ServiceVersion = "2025-01-05";

    private readonly BlobServiceClient? _blobs;
    private readonly QueueServiceClient? _queueSender;
    private readonly QueueServiceClient? _queueReceiver;
    private readonly TableServiceClient? _tables;

    /// <param name="options">Where the account is and how to authenticate.</param>
    /// <param name="retryOptions">The SDK retry policy (default: 6 retries, exponential from 250 ms).</param>
    /// <param name="handler">An HTTP handler for the SDK transport (tests: a certificate check for a loopback HTTPS server).</param>
    public StorageAccount(StorageAccountOptions options, StorageRetryOptions? retryOptions = null, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        var retry = retryOptions ?? new StorageRetryOptions();
        if (options.TokenCredential is not null)
        {
            foreach (var endpoint in new[] { options.BlobEndpoint, options.QueueEndpoint, options.TableEndpoint })
            {
                // The SDK refuses too (ArgumentException); this names the setting's value and says why.
                if (endpoint is not null && endpoint.Scheme != Uri.UriSchemeHttps)
                {
                    throw new InvalidOperationException($"Storage endpoint {endpoint.GetLeftPart(UriPartial.Authority)} is not HTTPS: Entra ID (managed identity) tokens are only ever sent over HTTPS.");
                }
            }
        }

        if (options.BlobEndpoint is { } blob)
        {
            var blobOptions = Configure(new BlobClientOptions(BlobClientOptions.ServiceVersion.V2025_01_05), retry, handler);
            _blobs = options switch
            {
                { AccountKey: { } key } => new BlobServiceClient(blob, new StorageSharedKeyCredential(options.AccountName, key), blobOptions),
                { SharedAccessSignature: { } sas } => new BlobServiceClient(blob, new AzureSasCredential(sas), blobOptions),
                _ => new BlobServiceClient(blob, options.TokenCredential!, blobOptions),
            };
        }

        if (options.QueueEndpoint is { } queue)
        {
            // Sends go out base64-encoded, the encoding Azure Functions queue triggers expect. Receives read the raw
            // text and decode it here, so one message put unencoded by another producer cannot fail a whole batch
            // (the SDK's Base64 decoding throws for the entire receive call).
            _queueSender = CreateQueueService(options, queue, Configure(new QueueClientOptions(QueueClientOptions.ServiceVersion.V2025_01_05) { MessageEncoding = QueueMessageEncoding.Base64 }, retry, handler));
            _queueReceiver = CreateQueueService(options, queue, Configure(new QueueClientOptions(QueueClientOptions.ServiceVersion.V2025_01_05) { MessageEncoding = QueueMessageEncoding.None }, retry, handler));
        }

        if (options.TableEndpoint is { } table)
        {
            // The Table SDK's one service version (2019-02-02) is the one Azurite's table service speaks.
            var tableOptions = Configure(new TableClientOptions(), retry, handler);
            _tables = options switch
            {
                { AccountKey: { } key } => new TableServiceClient(table, new TableSharedKeyCredential(options.AccountName, key), tableOptions),
                { SharedAccessSignature: { } sas } => new TableServiceClient(table, new AzureSasCredential(sas), tableOptions),
                _ => new TableServiceClient(table, options.TokenCredential!, tableOptions),
            };
        }
    }

    public StorageAccountOptions Options { get; }

    /// <summary>True when the account has a table endpoint (a connection string with an account name, or <c>__tableServiceUri</c>).</summary>
    public bool HasTables => _tables is not null;

    public IBlobClient GetBlobClient(string containerName) =>
        new AzureBlobClient((_blobs ?? throw new InvalidOperationException("No blob endpoint configured for " + Options.Describe()))
            .GetBlobContainerClient(StorageNames.ValidateContainerOrQueue(containerName, "container")));

    public IQueueClient GetQueueClient(string queueName)
    {
        if (_queueSender is null || _queueReceiver is null)
        {
            throw new InvalidOperationException("No queue endpoint configured for " + Options.Describe());
        }

        StorageNames.ValidateContainerOrQueue(queueName, "queue");
        return new AzureQueueClient(_queueSender.GetQueueClient(queueName), _queueReceiver.GetQueueClient(queueName));
    }

    /// <summary>A client for one table (the SDK type: its entity, ETag and query API is what callers need).</summary>
    public TableClient GetTableClient(string tableName) =>
        (_tables ?? throw new InvalidOperationException("No table endpoint configured for " + Options.Describe())).GetTableClient(tableName);

    /// <summary>Nothing to release: the SDK clients share the SDK's pooled transport (or the caller's handler).</summary>
    public void Dispose()
    {
    }

    private static QueueServiceClient CreateQueueService(StorageAccountOptions options, Uri endpoint, QueueClientOptions clientOptions) => options switch
    {
        { AccountKey: { } key } => new QueueServiceClient(endpoint, new StorageSharedKeyCredential(options.AccountName, key), clientOptions),
        { SharedAccessSignature: { } sas } => new QueueServiceClient(endpoint, new AzureSasCredential(sas), clientOptions),
        _ => new QueueServiceClient(endpoint, options.TokenCredential!, clientOptions),
    };

    private static T Configure<T>(T clientOptions, StorageRetryOptions retry, HttpMessageHandler? handler)
        where T : ClientOptions
    {
        clientOptions.Retry.Mode = RetryMode.Exponential;
        clientOptions.Retry.MaxRetries = retry.MaxRetryAttempts;
        clientOptions.Retry.Delay = retry.BaseDelay;
        clientOptions.Retry.MaxDelay = retry.MaxDelay;
        clientOptions.Retry.NetworkTimeout = retry.AttemptTimeout;
        if (handler is not null)
        {
            clientOptions.Transport = new HttpClientTransport(handler);
        }

        return clientOptions;
    }
}
