using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using SemanticRouter.Storage.Azure;

namespace SemanticRouter.Storage.Tests;

public class SharedKeySignerTests
{
    [Fact]
    public void Create_container_string_to_sign_matches_the_example_verified_against_Azurite()
    {
        // Reference doc §2.2: this exact string was accepted by Azurite 3.35.0 (201 Created).
        using var request = new HttpRequestMessage(HttpMethod.Put, "http://127.0.0.1:10000/devstoreaccount1/docs?restype=container");
        request.Headers.TryAddWithoutValidation("x-ms-date", "Sat, 21 Nov 2026 14:19:23 GMT");
        request.Headers.TryAddWithoutValidation("x-ms-version", "2025-01-05");
        request.Content = new ByteArrayContent([]);

        var stringToSign = SharedKeySigner.BuildStringToSign(request, "devstoreaccount1");

        Assert.Equal("PUT\n\n\n\n\n\n\n\n\n\n\n\nx-ms-date:Sat, 21 Nov 2026 14:19:23 GMT\nx-ms-version:2025-01-05\n/devstoreaccount1/devstoreaccount1/docs\nrestype:container", stringToSign);
    }

    [Fact]
    public void Signature_is_HMAC_SHA256_of_the_string_to_sign_with_the_decoded_key()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://acct.blob.core.windows.net/c/b");
        request.Headers.TryAddWithoutValidation("x-ms-date", "Sat, 21 Nov 2026 14:19:23 GMT");
        var key = RandomNumberGenerator.GetBytes(64);

        var header = SharedKeySigner.Sign(request, "acct", key);

        var expected = Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes("GET\n\n\n\n\n\n\n\n\n\n\n\nx-ms-date:Sat, 21 Nov 2026 14:19:23 GMT\n/acct/c/b")));
        Assert.Equal("SharedKey acct:" + expected, header);
    }

    [Fact]
    public void Standard_headers_fill_their_fixed_lines_and_zero_length_is_empty()
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, "https://acct.blob.core.windows.net/c/a%20b%2Bc.txt");
        request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes("hello"));
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        request.Content.Headers.ContentMD5 = [1, 2, 3];
        request.Content.Headers.ContentLanguage.Add("en");
        request.Headers.TryAddWithoutValidation("If-None-Match", "*");
        request.Headers.TryAddWithoutValidation("X-MS-Meta-Zed", "  last");
        request.Headers.TryAddWithoutValidation("x-ms-blob-type", "BlockBlob");

        var lines = SharedKeySigner.BuildStringToSign(request, "acct").Split('\n');

        Assert.Equal(["PUT", "", "en", "5", "AQID", "text/plain", "", "", "", "*", "", ""], lines[..12]);
        Assert.Equal("x-ms-blob-type:BlockBlob", lines[12]);
        Assert.Equal("x-ms-meta-zed:last", lines[13]);
        Assert.Equal("/acct/c/a%20b%2Bc.txt", lines[14]);
    }

    [Fact]
    public void Query_parameters_are_lowercased_sorted_decoded_and_multi_values_joined()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://acct.queue.core.windows.net/q/messages/1?popreceipt=AB%2BC%2F%3D&VisibilityTimeout=5&a=2&a=1");

        var lines = SharedKeySigner.BuildStringToSign(request, "acct").Split('\n');

        Assert.Equal(["/acct/q/messages/1", "a:1,2", "popreceipt:AB+C/=", "visibilitytimeout:5"], lines[12..]);
    }
}
