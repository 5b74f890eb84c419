using System.Text.Json;
using SemanticRouter.Functions.CustomHandler;

namespace SemanticRouter.Async.Tests;

/// <summary>Decoding of the host's queue-trigger payload variants (reference §1.6).</summary>
public sealed class QueueInvocationTests
{
    [Theory]
    [InlineData("""{"Data":{"message":"\"{\\\"a\\\":1}\""},"Metadata":{"DequeueCount":"2","Id":"\"4e77\""}}""", """{"a":1}""", 2, "4e77")]
    [InlineData("""{"Data":{"message":"{\"a\":1}"},"Metadata":{"DequeueCount":2,"Id":"4e77"}}""", """{"a":1}""", 2, "4e77")]
    [InlineData("""{"Data":{"message":{"a":1}},"Metadata":{}}""", """{"a":1}""", 1, "unknown")]
    [InlineData("""{"data":{"job":"\"plain text\""},"metadata":{"dequeueCount":"5"}}""", "plain text", 5, "unknown")]
    public void Decodes_every_documented_encoding(string payload, string text, long dequeueCount, string id)
    {
        var item = QueueInvocation.FromPayload(JsonDocument.Parse(payload).RootElement, "message");

        Assert.NotNull(item);
        Assert.Equal(text, item.Text);
        Assert.Equal(dequeueCount, item.DequeueCount);
        Assert.Equal(id, item.MessageId);
    }

    [Theory]
    [InlineData("""{"Metadata":{}}""")]
    [InlineData("""{"Data":{"a":"x","b":"y"}}""")]
    [InlineData("""{"Data":{"message":42}}""")]
    [InlineData("""[1]""")]
    public void Rejects_payloads_without_a_readable_message(string payload) =>
        Assert.Null(QueueInvocation.FromPayload(JsonDocument.Parse(payload).RootElement, "message"));
}
