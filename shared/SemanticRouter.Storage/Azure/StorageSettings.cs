using Azure.Core;
using Azure.Identity;

namespace SemanticRouter.Storage.Azure;

/// <summary>
/// Reads storage settings the way Azure Functions bindings do, for one connection name (default
/// <c>AzureWebJobsStorage</c>): either a connection string in the setting itself, or identity-based
/// settings <c>{name}__blobServiceUri</c>, <c>__queueServiceUri</c>, <c>__tableServiceUri</c>, <c>__accountName</c>,
/// <c>__credential</c> (<c>managedidentity</c>) and <c>__clientId</c>. The ':' separator used by
/// IConfiguration is accepted as well as "__".
/// </summary>
public static class StorageSettings
{
    public const string DefaultConnectionName = "AzureWebJobsStorage";

    /// <summary>Returns null when nothing is configured (standalone mode: local models, in-memory queues).</summary>
    public static StorageAccountOptions? FromSettings(Func<string, string?> getSetting, string connectionName = DefaultConnectionName)
    {
        ArgumentNullException.ThrowIfNull(getSetting);
        var connectionString = getSetting(connectionName);
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            return StorageAccountOptions.FromConnectionString(connectionString);
        }

        string? Sub(string name) => NonEmpty(getSetting($"{connectionName}__{name}")) ?? NonEmpty(getSetting($"{connectionName}:{name}"));

        var blob = ParseUri(Sub("blobServiceUri") ?? Sub("serviceUri"), connectionName + "__blobServiceUri");
        var queue = ParseUri(Sub("queueServiceUri"), connectionName + "__queueServiceUri");
        var table = ParseUri(Sub("tableServiceUri"), connectionName + "__tableServiceUri");
        var accountName = Sub("accountName");
        if (accountName is not null)
        {
            blob ??= new Uri($"https://{accountName}.blob.core.windows.net");
            queue ??= new Uri($"https://{accountName}.queue.core.windows.net");
            table ??= new Uri($"https://{accountName}.table.core.windows.net");
        }

        if (blob is null && queue is null && table is null)
        {
            return null;
        }

        var options = StorageAccountOptions.FromServiceUris(blob, queue, CreateCredential(Sub("credential"), Sub("clientId")), table);
        return accountName is null ? options : new StorageAccountOptions
        {
            AccountName = accountName,
            BlobEndpoint = options.BlobEndpoint,
            QueueEndpoint = options.QueueEndpoint,
            TableEndpoint = options.TableEndpoint,
            TokenCredential = options.TokenCredential,
        };
    }

    /// <summary>
    /// Whether a storage account is configured, for config binders that pick a storage-backed default. A malformed
    /// setting counts as configured: it is reported where the account is built.
    /// </summary>
    public static bool IsConfigured(Func<string, string?> getSetting, string connectionName = DefaultConnectionName)
    {
        try
        {
            return FromSettings(getSetting, connectionName) is not null;
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or ArgumentException)
        {
            return true;
        }
    }

    /// <summary><see cref="FromSettings"/> over the process environment (app settings are environment variables in Functions).</summary>
    public static StorageAccountOptions? FromEnvironment(string connectionName = DefaultConnectionName) =>
        FromSettings(Environment.GetEnvironmentVariable, connectionName);

    internal static TokenCredential CreateCredential(string? credential, string? clientId)
    {
        if (string.Equals(credential, "managedidentity", StringComparison.OrdinalIgnoreCase))
        {
            return clientId is null
                ? new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned)
                : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId));
        }

        if (credential is not null)
        {
            throw new InvalidOperationException($"Unsupported storage credential '{credential}'; use 'managedidentity' or leave it unset for DefaultAzureCredential.");
        }

        // Local development against a real account: az login, Visual Studio, environment credentials.
        return new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = clientId });
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static Uri? ParseUri(string? value, string setting) =>
        value is null ? null
        : Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp) ? uri
        : throw new InvalidOperationException($"Setting {setting} is not an http(s) URL.");
}
