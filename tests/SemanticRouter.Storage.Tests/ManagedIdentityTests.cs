using System.Collections.Concurrent;
using SemanticRouter.Storage.Azure;

namespace SemanticRouter.Storage.Tests;

/// <summary>
/// The Azure production path: identity-based app settings → ManagedIdentityCredential (Azure.Identity)
/// → token from the platform endpoint → <c>Authorization: Bearer</c> on storage requests, sent by the storage SDK.
/// Azurite only accepts OAuth over HTTPS and the SDK sends bearer tokens only over TLS, so a loopback HTTPS server
/// (self-signed certificate, trusted by this client alone) records what a storage service would receive.
/// Changes process environment variables, hence its own non-parallel collection.
/// </summary>
[Collection(nameof(ManagedIdentityTests))]
[CollectionDefinition(nameof(ManagedIdentityTests), DisableParallelization = true)]
public sealed class ManagedIdentityTests
{
    [Fact]
    public async Task User_assigned_identity_token_from_the_identity_endpoint_reaches_storage_as_a_bearer_header()
    {
        await using var identity = await FakeManagedIdentityEndpoint.StartAsync();
        var seen = new ConcurrentQueue<(string? Authorization, string? Version)>();
        await using var storage = await LoopbackServer.StartHttpsAsync(context =>
        {
            seen.Enqueue((context.Request.Headers.Authorization, context.Request.Headers["x-ms-version"]));
            context.Response.StatusCode = 404;
            context.Response.Headers["x-ms-error-code"] = "BlobNotFound";
            return Task.CompletedTask;
        });
        var clientId = Guid.NewGuid().ToString();
        var settings = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage__blobServiceUri"] = new Uri(storage.BaseAddress, "/acct").ToString(),
            ["AzureWebJobsStorage__credential"] = "managedidentity",
            ["AzureWebJobsStorage__clientId"] = clientId,
        };

        using (new EnvironmentScope(("IDENTITY_ENDPOINT", identity.Endpoint.ToString()), ("IDENTITY_HEADER", identity.Secret)))
        {
            using var account = new StorageAccount(StorageSettings.FromSettings(settings.GetValueOrDefault)!, TestAccounts.FastRetry, storage.TrustingHandler());
            var blobs = account.GetBlobClient("models");
            Assert.Null(await blobs.GetPropertiesAsync("manifest.json"));
            Assert.Null(await blobs.GetPropertiesAsync("other.json"));
        }

        var token = Assert.Single(identity.TokenRequests);
        Assert.Equal(clientId, token["client_id"]);
        Assert.Equal("2019-08-01", token["api-version"]);
        Assert.StartsWith("https://storage.azure.com", token["resource"].ToString(), StringComparison.Ordinal);
        Assert.Equal(2, seen.Count);
        Assert.All(seen, s =>
        {
            Assert.Equal("Bearer " + FakeManagedIdentityEndpoint.TokenFor(clientId, 1), s.Authorization);
            Assert.Equal(StorageAccount.ServiceVersion, s.Version);
        });
    }

    [Fact]
    public async Task A_wrong_identity_header_fails_with_a_credential_error_and_sends_nothing_to_storage()
    {
        await using var identity = await FakeManagedIdentityEndpoint.StartAsync();
        var storageCalls = 0;
        await using var storage = await LoopbackServer.StartHttpsAsync(_ =>
        {
            Interlocked.Increment(ref storageCalls);
            return Task.CompletedTask;
        });
        var options = StorageAccountOptions.FromServiceUris(new Uri(storage.BaseAddress, "/acct"), null, StorageSettings.CreateCredential("managedidentity", Guid.NewGuid().ToString()));

        using (new EnvironmentScope(("IDENTITY_ENDPOINT", identity.Endpoint.ToString()), ("IDENTITY_HEADER", "wrong-secret")))
        {
            using var account = new StorageAccount(options, TestAccounts.FastRetry, storage.TrustingHandler());
            await Assert.ThrowsAnyAsync<global::Azure.Identity.AuthenticationFailedException>(() => account.GetBlobClient("models").GetPropertiesAsync("x"));
        }

        Assert.Equal(0, storageCalls);
    }

    [Fact]
    public void Bearer_tokens_are_never_sent_over_plain_http()
    {
        var options = StorageAccountOptions.FromServiceUris(new Uri("http://storage.example.invalid/acct"), null, new StaticTokenCredential());
        // Refused when the account is built, before any request could carry a token.
        var error = Assert.Throws<InvalidOperationException>(() => new StorageAccount(options, TestAccounts.FastRetry));
        Assert.Contains("HTTPS", error.Message, StringComparison.Ordinal);
    }

    private sealed class StaticTokenCredential : global::Azure.Core.TokenCredential
    {
        public override global::Azure.Core.AccessToken GetToken(global::Azure.Core.TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new("static", DateTimeOffset.UtcNow.AddHours(1));

        public override ValueTask<global::Azure.Core.AccessToken> GetTokenAsync(global::Azure.Core.TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }

    private sealed class EnvironmentScope : IDisposable
    {
        private readonly (string Name, string? Old)[] _saved;

        public EnvironmentScope(params (string Name, string Value)[] variables)
        {
            _saved = variables.Select(v => (v.Name, Environment.GetEnvironmentVariable(v.Name))).ToArray();
            foreach (var (name, value) in variables)
            {
                Environment.SetEnvironmentVariable(name, value);
            }
        }

        public void Dispose()
        {
            foreach (var (name, old) in _saved)
            {
                Environment.SetEnvironmentVariable(name, old);
            }
        }
    }
}
