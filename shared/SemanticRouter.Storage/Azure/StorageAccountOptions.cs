using Azure.Core;

namespace SemanticRouter.Storage.Azure;

/// <summary>
/// Where a storage account is and how to authenticate to it: exactly one of an account key
/// (SharedKey), a shared access signature, or a <see cref="TokenCredential"/>. Build it from a
/// connection string, from Functions-style app settings (<see cref="StorageSettings"/>), or directly.
/// </summary>
public sealed class StorageAccountOptions
{
    public required string AccountName { get; init; }

    public Uri? BlobEndpoint { get; init; }

    public Uri? QueueEndpoint { get; init; }

    /// <summary>Table service endpoint (session affinity); a connection string with an AccountName implies it.</summary>
    public Uri? TableEndpoint { get; init; }

    /// <summary>Base64 account key for SharedKey signing.</summary>
    public string? AccountKey { get; init; }

    /// <summary>SAS query string (without the leading '?').</summary>
    public string? SharedAccessSignature { get; init; }

    /// <summary>Entra ID credential (managed identity, DefaultAzureCredential); scope https://storage.azure.com/.default.</summary>
    public TokenCredential? TokenCredential { get; init; }

    /// <summary>A short description for logs and diagnostics; never contains secrets.</summary>
    public string Describe()
    {
        var auth = AccountKey is not null ? "shared key" : SharedAccessSignature is not null ? "SAS" : TokenCredential is not null ? TokenCredential.GetType().Name : "none";
        return $"account {AccountName} (blob {BlobEndpoint?.GetLeftPart(UriPartial.Path) ?? "-"}, queue {QueueEndpoint?.GetLeftPart(UriPartial.Path) ?? "-"}, table {TableEndpoint?.GetLeftPart(UriPartial.Path) ?? "-"}, auth {auth})";
    }

    public override string ToString() => Describe();

    /// <summary>Parses a storage connection string, including <c>UseDevelopmentStorage=true</c>.</summary>
    public static StorageAccountOptions FromConnectionString(string connectionString) => StorageConnectionString.Parse(connectionString);

    /// <summary>Account URLs plus an Entra ID credential, the Azure production path.</summary>
    public static StorageAccountOptions FromServiceUris(Uri? blobEndpoint, Uri? queueEndpoint, TokenCredential credential, Uri? tableEndpoint = null)
    {
        ArgumentNullException.ThrowIfNull(credential);
        var any = blobEndpoint ?? queueEndpoint ?? tableEndpoint ?? throw new ArgumentException("at least one service URI is required");
        return new StorageAccountOptions
        {
            AccountName = AccountNameFromHost(any),
            BlobEndpoint = blobEndpoint,
            QueueEndpoint = queueEndpoint,
            TableEndpoint = tableEndpoint,
            TokenCredential = credential,
        };
    }

    internal static string AccountNameFromHost(Uri endpoint)
    {
        // Path-style endpoints (Azurite, custom domains) name the account in the first segment.
        var firstSegment = endpoint.AbsolutePath.Trim('/').Split('/')[0];
        if (endpoint.IsLoopback && firstSegment.Length > 0)
        {
            return firstSegment;
        }

        var dot = endpoint.Host.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 ? endpoint.Host[..dot] : endpoint.Host;
    }

    internal void Validate()
    {
        if (BlobEndpoint is null && QueueEndpoint is null && TableEndpoint is null)
        {
            throw new InvalidOperationException("Storage account options name no blob, queue or table endpoint.");
        }

        var credentials = (AccountKey is null ? 0 : 1) + (SharedAccessSignature is null ? 0 : 1) + (TokenCredential is null ? 0 : 1);
        if (credentials != 1)
        {
            throw new InvalidOperationException("Storage account options need exactly one of AccountKey, SharedAccessSignature or TokenCredential.");
        }
    }
}
