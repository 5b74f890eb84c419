using Azure.Storage.Queues;

namespace SemanticRouter.Storage.Azure.Queues;

/// <summary>
/// One storage queue over the official SDK's <see cref="QueueClient"/>. <paramref name="sender"/> encodes messages
/// as base64 (<c>QueueMessageEncoding.Base64</c>, what Functions queue triggers expect); <paramref name="receiver"/>
/// reads the raw text and <see cref="QueueLimits.Decode"/> decodes it, returning a message another producer put
/// unencoded as it is instead of failing the whole batch.
/// </summary>
internal sealed class AzureQueueClient(QueueClient sender, QueueClient receiver) : IQueueClient
{
    public string QueueName => sender.Name;

    private string Resource => "/" + QueueName;

    public Task CreateIfNotExistsAsync(CancellationToken cancellationToken = default) =>
        StorageCalls.RunAsync("PUT", Resource, () => sender.CreateIfNotExistsAsync(cancellationToken: cancellationToken));

    public Task<QueueMessageReceipt> SendAsync(string text, TimeSpan? initialVisibilityDelay = null, TimeSpan? timeToLive = null, CancellationToken cancellationToken = default)
    {
        QueueLimits.ValidateText(text);
        if (initialVisibilityDelay is { } delay && (delay < TimeSpan.Zero || delay > QueueLimits.MaxVisibility))
        {
            throw new ArgumentOutOfRangeException(nameof(initialVisibilityDelay), "0 s to 7 days.");
        }

        // The service's "never expires" is -1 s.
        var ttl = timeToLive == Timeout.InfiniteTimeSpan ? TimeSpan.FromSeconds(-1) : timeToLive;
        return StorageCalls.RunAsync("POST", Resource + "/messages", async () =>
        {
            var receipt = (await sender.SendMessageAsync(text, initialVisibilityDelay, ttl, cancellationToken).ConfigureAwait(false)).Value;
            return new QueueMessageReceipt(receipt.MessageId, receipt.PopReceipt, receipt.TimeNextVisible);
        });
    }

    public Task<IReadOnlyList<QueueMessage>> ReceiveAsync(int maxMessages = 1, TimeSpan? visibilityTimeout = null, CancellationToken cancellationToken = default)
    {
        QueueLimits.ValidateCount(maxMessages);
        var visibility = QueueLimits.ValidateVisibility(visibilityTimeout, TimeSpan.FromSeconds(1));
        return StorageCalls.RunAsync("GET", Resource + "/messages", async () =>
        {
            var messages = (await receiver.ReceiveMessagesAsync(maxMessages, visibility, cancellationToken).ConfigureAwait(false)).Value;
            return (IReadOnlyList<QueueMessage>)messages.Select(m => new QueueMessage(
                m.MessageId,
                QueueLimits.Decode(m.Body.ToString()),
                m.DequeueCount,
                m.InsertedOn ?? DateTimeOffset.UtcNow,
                m.ExpiresOn ?? DateTimeOffset.MaxValue,
                m.PopReceipt,
                m.NextVisibleOn ?? DateTimeOffset.UtcNow + visibility)).ToList();
        });
    }

    public Task<IReadOnlyList<PeekedQueueMessage>> PeekAsync(int maxMessages = 1, CancellationToken cancellationToken = default)
    {
        QueueLimits.ValidateCount(maxMessages);
        return StorageCalls.RunAsync("GET", Resource + "/messages", async () =>
        {
            var messages = (await receiver.PeekMessagesAsync(maxMessages, cancellationToken).ConfigureAwait(false)).Value;
            return (IReadOnlyList<PeekedQueueMessage>)messages.Select(m => new PeekedQueueMessage(
                m.MessageId,
                QueueLimits.Decode(m.Body.ToString()),
                m.DequeueCount,
                m.InsertedOn ?? DateTimeOffset.UtcNow,
                m.ExpiresOn ?? DateTimeOffset.MaxValue)).ToList();
        });
    }

    public Task<QueueMessageReceipt> UpdateVisibilityAsync(string messageId, string popReceipt, TimeSpan visibilityTimeout, CancellationToken cancellationToken = default)
    {
        var visibility = QueueLimits.ValidateVisibility(visibilityTimeout, TimeSpan.Zero);
        return StorageCalls.RunAsync("PUT", Resource + "/messages/" + messageId, async () =>
        {
            var receipt = (await sender.UpdateMessageAsync(messageId, popReceipt, visibilityTimeout: visibility, cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
            return new QueueMessageReceipt(messageId, receipt.PopReceipt, receipt.NextVisibleOn);
        });
    }

    public Task DeleteAsync(string messageId, string popReceipt, CancellationToken cancellationToken = default) =>
        StorageCalls.RunAsync("DELETE", Resource + "/messages/" + messageId, () => sender.DeleteMessageAsync(messageId, popReceipt, cancellationToken));

    public Task<int> GetApproximateCountAsync(CancellationToken cancellationToken = default) =>
        StorageCalls.RunAsync("GET", Resource, async () =>
            (await sender.GetPropertiesAsync(cancellationToken).ConfigureAwait(false)).Value.ApproximateMessagesCount);
}
