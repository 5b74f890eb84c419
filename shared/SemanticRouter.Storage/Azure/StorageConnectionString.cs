namespace SemanticRouter.Storage.Azure;

/// <summary>Parses Azure Storage connection strings (key=value pairs separated by ';').</summary>
internal static class StorageConnectionString
{
    public const string DevelopmentAccountName = "devstoreaccount1";
    public const string DevelopmentAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    public static StorageAccountOptions Parse(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        if (connectionString.Length > 8192)
        {
            throw new FormatException("Storage connection string is longer than 8192 characters.");
        }

        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // Split on the first '=' only: keys end in "==" and SAS tokens contain '='.
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new FormatException("Storage connection string has a segment without 'name=value'.");
            }

            values[part[..equals].Trim()] = part[(equals + 1)..].Trim();
        }

        if (values.TryGetValue("UseDevelopmentStorage", out var dev) && bool.TryParse(dev, out var useDev) && useDev)
        {
            var host = values.TryGetValue("DevelopmentStorageProxyUri", out var proxy) ? proxy.TrimEnd('/') : "http://127.0.0.1";
            return new StorageAccountOptions
            {
                AccountName = DevelopmentAccountName,
                AccountKey = DevelopmentAccountKey,
                BlobEndpoint = new Uri($"{host}:10000/{DevelopmentAccountName}"),
                QueueEndpoint = new Uri($"{host}:10001/{DevelopmentAccountName}"),
                TableEndpoint = new Uri($"{host}:10002/{DevelopmentAccountName}"),
            };
        }

        values.TryGetValue("AccountName", out var accountName);
        var protocol = values.TryGetValue("DefaultEndpointsProtocol", out var p) ? p : "https";
        var suffix = values.TryGetValue("EndpointSuffix", out var s) ? s : "core.windows.net";
        var blob = Endpoint(values, "BlobEndpoint", accountName, protocol, "blob", suffix);
        var queue = Endpoint(values, "QueueEndpoint", accountName, protocol, "queue", suffix);
        var table = Endpoint(values, "TableEndpoint", accountName, protocol, "table", suffix);
        if (blob is null && queue is null && table is null)
        {
            throw new FormatException("Storage connection string names neither AccountName nor BlobEndpoint/QueueEndpoint/TableEndpoint.");
        }

        values.TryGetValue("AccountKey", out var key);
        values.TryGetValue("SharedAccessSignature", out var sas);
        if (key is not null)
        {
            ValidateKey(key);
        }

        if (key is null && sas is null)
        {
            throw new FormatException("Storage connection string has neither AccountKey nor SharedAccessSignature.");
        }

        return new StorageAccountOptions
        {
            AccountName = accountName ?? StorageAccountOptions.AccountNameFromHost((blob ?? queue ?? table)!),
            BlobEndpoint = blob,
            QueueEndpoint = queue,
            TableEndpoint = table,
            AccountKey = key,
            SharedAccessSignature = key is null ? sas?.TrimStart('?') : null,
        };
    }

    private static Uri? Endpoint(Dictionary<string, string> values, string key, string? accountName, string protocol, string service, string suffix)
    {
        if (values.TryGetValue(key, out var explicitEndpoint))
        {
            return Uri.TryCreate(explicitEndpoint, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
                ? uri
                : throw new FormatException($"Storage connection string {key} is not an http(s) URL.");
        }

        return accountName is null ? null : new Uri($"{protocol}://{accountName}.{service}.{suffix}");
    }

    private static void ValidateKey(string key)
    {
        Span<byte> buffer = stackalloc byte[128];
        if (!Convert.TryFromBase64String(key, buffer, out _))
        {
            throw new FormatException("Storage connection string AccountKey is not valid base64.");
        }
    }
}
