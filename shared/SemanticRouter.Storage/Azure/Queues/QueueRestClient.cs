using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security;
using System.Text;
using System.Xml.Linq;

namespace SemanticRouter.Storage.Azure.Queues;

/// <summary>Queue service REST calls for one queue (x-ms-version 2025-01-05).</summary>
internal sealed class QueueRestClient(StorageTransport transport, Uri endpoint, string queueName) : IQueueClient
{
    public string QueueName { get; } = queueName;

    public async Task CreateIfNotExistsAsync(CancellationToken cancellationToken = default)
    {
        // 201 created, 204 existed with the same metadata, 409 existed with other metadata: all fine here.
        var request = new StorageRequest(HttpMethod.Put, StorageNames.Resource(endpoint, QueueName));
        using var response = await transport.SendAsync(request, static s => s == HttpStatusCode.Conflict, cancellationToken).ConfigureAwait(false);
    }

    public async Task<QueueMessageReceipt> SendAsync(string text, TimeSpan? initialVisibilityDelay = null, TimeSpan? timeToLive = null, CancellationToken cancellationToken = default)
    {
        QueueLimits.ValidateText(text);
        if (initialVisibilityDelay is { } delay && (delay < TimeSpan.Zero || delay > QueueLimits.MaxVisibility))
        {
            throw new ArgumentOutOfRangeException(nameof(initialVisibilityDelay), "0 s to 7 days.");
        }

        var query = StorageNames.Query(
            ("visibilitytimeout", initialVisibilityDelay is { } d ? StorageNames.Seconds(d) : null),
            ("messagettl", timeToLive is { } ttl ? (ttl == Timeout.InfiniteTimeSpan ? "-1" : StorageNames.Seconds(ttl)) : null));
        var body = MessageBody(text);
        var request = new StorageRequest(HttpMethod.Post, StorageNames.Resource(endpoint, QueueName + "/messages", query.Length == 0 ? null : query))
        {
            Content = () => XmlContent(body),
        };
        using var response = await transport.SendAsync(request, null, cancellationToken).ConfigureAwait(false);
        var message = (await ReadMessagesAsync(response, cancellationToken).ConfigureAwait(false)).Single();
        return new QueueMessageReceipt(Value(message, "MessageId"), Value(message, "PopReceipt"), Time(message, "TimeNextVisible"));
    }

    public async Task<IReadOnlyList<QueueMessage>> ReceiveAsync(int maxMessages = 1, TimeSpan? visibilityTimeout = null, CancellationToken cancellationToken = default)
    {
        QueueLimits.ValidateCount(maxMessages);
        var visibility = QueueLimits.ValidateVisibility(visibilityTimeout, TimeSpan.FromSeconds(1));
        var query = StorageNames.Query(("numofmessages", maxMessages.ToString(CultureInfo.InvariantCulture)), ("visibilitytimeout", StorageNames.Seconds(visibility)));
        var request = new StorageRequest(HttpMethod.Get, StorageNames.Resource(endpoint, QueueName + "/messages", query));
        using var response = await transport.SendAsync(request, null, cancellationToken).ConfigureAwait(false);
        return (await ReadMessagesAsync(response, cancellationToken).ConfigureAwait(false))
            .Select(m => new QueueMessage(
                Value(m, "MessageId"),
                QueueLimits.Decode(Value(m, "MessageText")),
                long.Parse(Value(m, "DequeueCount"), CultureInfo.InvariantCulture),
                Time(m, "InsertionTime"),
                Time(m, "ExpirationTime"),
                Value(m, "PopReceipt"),
                Time(m, "TimeNextVisible")))
            .ToList();
    }

    public async Task<IReadOnlyList<PeekedQueueMessage>> PeekAsync(int maxMessages = 1, CancellationToken cancellationToken = default)
    {
        QueueLimits.ValidateCount(maxMessages);
        var query = StorageNames.Query(("peekonly", "true"), ("numofmessages", maxMessages.ToString(CultureInfo.InvariantCulture)));
        var request = new StorageRequest(HttpMethod.Get, StorageNames.Resource(endpoint, QueueName + "/messages", query));
        using var response = await transport.SendAsync(request, null, cancellationToken).ConfigureAwait(false);
        return (await ReadMessagesAsync(response, cancellationToken).ConfigureAwait(false))
            .Select(m => new PeekedQueueMessage(
                Value(m, "MessageId"),
                QueueLimits.Decode(Value(m, "MessageText")),
                long.Parse(Value(m, "DequeueCount"), CultureInfo.InvariantCulture),
                Time(m, "InsertionTime"),
                Time(m, "ExpirationTime")))
            .ToList();
    }

    public async Task<QueueMessageReceipt> UpdateVisibilityAsync(string messageId, string popReceipt, TimeSpan visibilityTimeout, CancellationToken cancellationToken = default)
    {
        var visibility = QueueLimits.ValidateVisibility(visibilityTimeout, TimeSpan.Zero);
        var query = StorageNames.Query(("popreceipt", popReceipt), ("visibilitytimeout", StorageNames.Seconds(visibility)));
        var request = new StorageRequest(HttpMethod.Put, StorageNames.Resource(endpoint, QueueName + "/messages/" + Uri.EscapeDataString(messageId), query));
        using var response = await transport.SendAsync(request, null, cancellationToken).ConfigureAwait(false);
        var receipt = StorageTransport.Header(response, "x-ms-popreceipt") ?? throw new StorageRequestException("Update Message response has no x-ms-popreceipt.");
        var next = StorageTransport.Header(response, "x-ms-time-next-visible");
        return new QueueMessageReceipt(messageId, receipt, next is null ? DateTimeOffset.UtcNow + visibility : ParseTime(next));
    }

    public async Task DeleteAsync(string messageId, string popReceipt, CancellationToken cancellationToken = default)
    {
        var request = new StorageRequest(HttpMethod.Delete, StorageNames.Resource(endpoint, QueueName + "/messages/" + Uri.EscapeDataString(messageId), StorageNames.Query(("popreceipt", popReceipt))));
        using var response = await transport.SendAsync(request, null, cancellationToken).ConfigureAwait(false);
    }

    public async Task<int> GetApproximateCountAsync(CancellationToken cancellationToken = default)
    {
        var request = new StorageRequest(HttpMethod.Get, StorageNames.Resource(endpoint, QueueName, "comp=metadata"));
        using var response = await transport.SendAsync(request, null, cancellationToken).ConfigureAwait(false);
        var count = StorageTransport.Header(response, "x-ms-approximate-messages-count");
        return int.TryParse(count, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new StorageRequestException("Get Queue Metadata response has no x-ms-approximate-messages-count.");
    }

    private static string MessageBody(string text) =>
        "<QueueMessage><MessageText>" + SecurityElement.Escape(QueueLimits.Encode(text)) + "</MessageText></QueueMessage>";

    private static ByteArrayContent XmlContent(string xml)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(xml));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/xml");
        return content;
    }

    private static async Task<IReadOnlyList<XElement>> ReadMessagesAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var document = await XDocument.LoadAsync(stream, LoadOptions.None, cancellationToken).ConfigureAwait(false);
            return document.Root?.Elements("QueueMessage").ToList() ?? [];
        }
    }

    private static string Value(XElement message, string name) =>
        message.Element(name)?.Value ?? throw new StorageRequestException($"Queue response message lacks <{name}>.");

    private static DateTimeOffset Time(XElement message, string name) => ParseTime(Value(message, name));

    private static DateTimeOffset ParseTime(string value) =>
        DateTimeOffset.ParseExact(value, "R", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}
