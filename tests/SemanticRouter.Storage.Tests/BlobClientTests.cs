using System.Net;
using System.Security.Cryptography;
using System.Text;
using SemanticRouter.Storage.Azure;
using SemanticRouter.Storage.Azure.Blobs;
using SemanticRouter.Testing;

namespace SemanticRouter.Storage.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class BlobClientTests(AzuriteServer azurite) : IDisposable
{
    private readonly StorageAccount _account = TestAccounts.SharedKey(azurite);

    public void Dispose() => _account.Dispose();

    [Fact]
    public async Task Create_container_is_idempotent()
    {
        var blobs = _account.GetBlobClient(TestAccounts.UniqueName("idem"));

        Assert.True(await blobs.CreateContainerIfNotExistsAsync());
        Assert.False(await blobs.CreateContainerIfNotExistsAsync());
    }

    [Fact]
    public async Task Upload_and_download_round_trip_names_and_metadata_with_special_characters()
    {
        var blobs = await NewContainerAsync();
        const string name = "dir one/ünïcödé file+plus%25 & (x) 'q' [b] #hash ?.bin";
        var data = RandomNumberGenerator.GetBytes(100_000);
        var metadata = new Dictionary<string, string>
        {
            ["owner"] = "a b  c; =,/?:@&+$ \"quoted\" <tag> 100%",
            ["Camel_Case9"] = "x",
            ["empty"] = string.Empty,
        };

        var uploaded = await blobs.UploadAsync(name, new MemoryStream(data), new BlobUploadOptions { Metadata = metadata, ContentType = "application/x-test" });
        using var target = new MemoryStream();
        var download = await blobs.DownloadToAsync(name, target);

        Assert.Equal(data, target.ToArray());
        Assert.False(download.NotModified);
        Assert.Equal(uploaded.ETag, download.Properties!.ETag);
        Assert.Equal("application/x-test", download.Properties.ContentType);
        Assert.Equal(MD5.HashData(data), download.Properties.ContentMd5);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(data)), download.Properties.Sha256);
        Assert.Equal(metadata["owner"], download.Properties.Metadata["owner"]);
        Assert.Equal("x", download.Properties.Metadata["camel_case9"]);
        Assert.Equal(data.Length, download.Properties.ContentLength);
        var listed = Assert.Single(await ToListAsync(blobs.ListAsync("dir one/")));
        Assert.Equal(name, listed.Name);
        Assert.Equal(uploaded.ETag, listed.ETag);
    }

    [Fact]
    public async Task If_none_match_with_the_current_etag_transfers_nothing()
    {
        var blobs = await NewContainerAsync();
        var uploaded = await blobs.UploadAsync("a.txt", new MemoryStream("hello"u8.ToArray()));
        using var target = new MemoryStream();

        var result = await blobs.DownloadToAsync("a.txt", target, new BlobDownloadOptions { IfNoneMatch = uploaded.ETag });

        Assert.True(result.NotModified);
        Assert.Equal(0, target.Length);
        var changed = await blobs.DownloadToAsync("a.txt", target, new BlobDownloadOptions { IfNoneMatch = "\"0x0\"" });
        Assert.False(changed.NotModified);
        Assert.Equal("hello", Encoding.UTF8.GetString(target.ToArray()));
    }

    [Fact]
    public async Task Range_download_returns_the_slice_and_the_whole_blob_size()
    {
        var blobs = await NewContainerAsync();
        await blobs.UploadAsync("r.txt", new MemoryStream("0123456789"u8.ToArray()));
        using var target = new MemoryStream();

        var result = await blobs.DownloadToAsync("r.txt", target, new BlobDownloadOptions { Offset = 3, Length = 4 });

        Assert.Equal("3456", Encoding.UTF8.GetString(target.ToArray()));
        Assert.Equal(10, result.Properties!.ContentLength);
        Assert.Equal(4, result.BytesWritten);
    }

    [Fact]
    public async Task Properties_of_a_missing_blob_are_null_and_download_fails_with_the_service_error_code()
    {
        var blobs = await NewContainerAsync();

        Assert.Null(await blobs.GetPropertiesAsync("missing"));
        var error = await Assert.ThrowsAsync<StorageRequestException>(() => blobs.DownloadToAsync("missing", Stream.Null));
        Assert.Equal(HttpStatusCode.NotFound, error.Status);
        Assert.Equal("BlobNotFound", error.ErrorCode);
        Assert.False(string.IsNullOrEmpty(error.RequestId));
        Assert.False(error.IsTransient);
    }

    [Fact]
    public async Task Properties_report_size_etag_and_metadata()
    {
        var blobs = await NewContainerAsync();
        var uploaded = await blobs.UploadAsync("p/q.bin", new MemoryStream(new byte[1234]), new BlobUploadOptions { Metadata = new Dictionary<string, string> { ["kind"] = "onnx" } });

        var properties = await blobs.GetPropertiesAsync("p/q.bin");

        Assert.Equal(1234, properties!.ContentLength);
        Assert.Equal(uploaded.ETag, properties.ETag);
        Assert.Equal("onnx", properties.Metadata["kind"]);
        Assert.Equal(uploaded.Sha256, properties.Sha256);
    }

    [Fact]
    public async Task Upload_without_overwrite_refuses_an_existing_blob()
    {
        var blobs = await NewContainerAsync();
        await blobs.UploadAsync("once", new MemoryStream([1]));

        var error = await Assert.ThrowsAsync<StorageRequestException>(() => blobs.UploadAsync("once", new MemoryStream([2]), new BlobUploadOptions { Overwrite = false }));

        Assert.Equal(HttpStatusCode.Conflict, error.Status);
        Assert.Equal("BlobAlreadyExists", error.ErrorCode);
    }

    [Fact]
    public async Task Delete_removes_the_blob_and_reports_whether_it_existed()
    {
        var blobs = await NewContainerAsync();
        await blobs.UploadAsync("d", new MemoryStream([1]));

        Assert.True(await blobs.DeleteIfExistsAsync("d"));
        Assert.False(await blobs.DeleteIfExistsAsync("d"));
        Assert.Null(await blobs.GetPropertiesAsync("d"));
    }

    [Fact]
    public async Task Listing_pages_over_more_than_5000_blobs_with_continuation_markers()
    {
        var blobs = await NewContainerAsync();
        const int count = 5_003;
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
            await blobs.UploadAsync($"many/{i:D5}", new MemoryStream([(byte)i]), new BlobUploadOptions { StoreSha256 = false }, ct));
        await blobs.UploadAsync("other/x", new MemoryStream([1]));

        var first = await blobs.ListPageAsync("many/");
        var second = await blobs.ListPageAsync("many/", first.NextMarker);
        var all = await ToListAsync(blobs.ListAsync("many/"));

        Assert.Equal(5000, first.Items.Count);
        Assert.NotNull(first.NextMarker);
        Assert.Equal(3, second.Items.Count);
        Assert.Null(second.NextMarker);
        Assert.Equal(Enumerable.Range(0, count).Select(i => $"many/{i:D5}"), all.Select(b => b.Name));
        var small = await blobs.ListPageAsync("many/", null, 2);
        Assert.Equal(["many/00000", "many/00001"], small.Items.Select(b => b.Name));
    }

    [Fact]
    public async Task A_wrong_account_key_is_rejected_by_Azurite_with_AuthorizationFailure()
    {
        using var wrong = new StorageAccount(
            new StorageAccountOptions { AccountName = AzuriteServer.AccountName, AccountKey = Convert.ToBase64String(new byte[64]), BlobEndpoint = azurite.BlobEndpoint },
            TestAccounts.FastRetry);

        var error = await Assert.ThrowsAsync<StorageRequestException>(() => wrong.GetBlobClient("anything").CreateContainerIfNotExistsAsync());

        Assert.Equal(HttpStatusCode.Forbidden, error.Status);
        Assert.Equal("AuthorizationFailure", error.ErrorCode);
    }

    [Fact]
    public async Task An_account_sas_connection_string_authorizes_blob_operations()
    {
        var container = TestAccounts.UniqueName("sas");
        var sas = AccountSas.Create(AzuriteServer.AccountName, AzuriteServer.AccountKey, services: "bq", permissions: "rwdlacup", expiry: DateTimeOffset.UtcNow.AddHours(1));
        using var account = new StorageAccount(
            StorageAccountOptions.FromConnectionString($"BlobEndpoint={azurite.BlobEndpoint};QueueEndpoint={azurite.QueueEndpoint};SharedAccessSignature={sas}"),
            TestAccounts.FastRetry);
        var blobs = account.GetBlobClient(container);

        await blobs.CreateContainerIfNotExistsAsync();
        await blobs.UploadAsync("s p/a+b.txt", new MemoryStream("sas"u8.ToArray()));
        using var target = new MemoryStream();
        await blobs.DownloadToAsync("s p/a+b.txt", target);

        Assert.Equal("sas", Encoding.UTF8.GetString(target.ToArray()));
        var tampered = new StorageAccount(
            StorageAccountOptions.FromConnectionString($"BlobEndpoint={azurite.BlobEndpoint};SharedAccessSignature={sas.Replace("sp=rwdlacup", "sp=rl", StringComparison.Ordinal)}"),
            TestAccounts.FastRetry);
        using (tampered)
        {
            var error = await Assert.ThrowsAsync<StorageRequestException>(() => tampered.GetBlobClient(container).GetPropertiesAsync("s p/a+b.txt"));
            Assert.Equal(HttpStatusCode.Forbidden, error.Status);
        }
    }

    private async Task<IBlobClient> NewContainerAsync()
    {
        var blobs = _account.GetBlobClient(TestAccounts.UniqueName("blobs"));
        await blobs.CreateContainerIfNotExistsAsync();
        return blobs;
    }

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> source)
    {
        var list = new List<T>();
        await foreach (var item in source)
        {
            list.Add(item);
        }

        return list;
    }
}
