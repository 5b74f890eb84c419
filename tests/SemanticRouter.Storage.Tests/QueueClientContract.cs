using System.Net;
using SemanticRouter.Storage.Azure;
using SemanticRouter.Storage.Azure.Queues;

namespace SemanticRouter.Storage.Tests;

/// <summary>
/// The queue semantics both implementations must share: the same tests run against Azurite
/// (<see cref="AzuriteQueueClientTests"/>) and the in-memory queue (<see cref="InMemoryQueueClientTests"/>),
/// which proves the standalone queue behaves like the real one.
/// </summary>
public abstract class QueueClientContract
{
    protected abstract Task<IQueueClient> NewQueueAsync();

    [Fact]
    public async Task Text_round_trips_including_markup_and_non_ascii()
    {
        var queue = await NewQueueAsync();
        const string text = "{\"job\":\"<x>&amp; ünï 🚀\"}";

        var receipt = await queue.SendAsync(text);
        var message = Assert.Single(await queue.ReceiveAsync());

        Assert.Equal(receipt.MessageId, message.MessageId);
        Assert.Equal(text, message.Text);
        Assert.Equal(1, message.DequeueCount);
    }

    [Fact]
    public async Task A_received_message_is_invisible_until_its_timeout_then_redelivered_with_a_higher_dequeue_count()
    {
        var queue = await NewQueueAsync();
        await queue.SendAsync("redeliver me");

        // Long enough that the checks below run inside the window even on a loaded CI machine.
        var first = Assert.Single(await queue.ReceiveAsync(visibilityTimeout: TimeSpan.FromSeconds(3)));
        Assert.Empty(await queue.ReceiveAsync());
        Assert.Empty(await queue.PeekAsync());
        var second = await ReceiveEventuallyAsync(queue);

        Assert.Equal(first.MessageId, second.MessageId);
        Assert.Equal(2, second.DequeueCount);
        Assert.NotEqual(first.PopReceipt, second.PopReceipt);
        var stale = await Assert.ThrowsAsync<StorageRequestException>(() => queue.DeleteAsync(first.MessageId, first.PopReceipt));
        Assert.Equal(HttpStatusCode.BadRequest, stale.Status);
        Assert.Equal("PopReceiptMismatch", stale.ErrorCode);
        await queue.DeleteAsync(second.MessageId, second.PopReceipt);
        Assert.Equal(0, await queue.GetApproximateCountAsync());
    }

    [Fact]
    public async Task Updating_visibility_extends_the_lease_and_issues_a_new_pop_receipt()
    {
        var queue = await NewQueueAsync();
        await queue.SendAsync("long job");
        var message = Assert.Single(await queue.ReceiveAsync(visibilityTimeout: TimeSpan.FromSeconds(1)));

        var extended = await queue.UpdateVisibilityAsync(message.MessageId, message.PopReceipt, TimeSpan.FromSeconds(60));
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        Assert.Empty(await queue.ReceiveAsync());
        Assert.NotEqual(message.PopReceipt, extended.PopReceipt);
        Assert.True(extended.NextVisibleTime > DateTimeOffset.UtcNow.AddSeconds(30));
        await Assert.ThrowsAsync<StorageRequestException>(() => queue.DeleteAsync(message.MessageId, message.PopReceipt));
        var released = await queue.UpdateVisibilityAsync(message.MessageId, extended.PopReceipt, TimeSpan.Zero);
        var again = Assert.Single(await queue.ReceiveAsync());
        Assert.Equal(2, again.DequeueCount);
        Assert.NotEqual(released.PopReceipt, again.PopReceipt);
    }

    [Fact]
    public async Task Peek_reads_without_dequeuing_and_count_includes_invisible_messages()
    {
        var queue = await NewQueueAsync();
        await queue.SendAsync("a");
        await queue.SendAsync("b");
        await queue.SendAsync("c", initialVisibilityDelay: TimeSpan.FromMinutes(5));

        var peeked = await queue.PeekAsync(32);

        Assert.Equal(["a", "b"], peeked.Select(p => p.Text).Order());
        Assert.All(peeked, p => Assert.Equal(0, p.DequeueCount));
        Assert.Equal(3, await queue.GetApproximateCountAsync());
        Assert.Equal(2, (await queue.ReceiveAsync(32)).Count);
    }

    [Fact]
    public async Task Receive_returns_at_most_32_and_rejects_more()
    {
        var queue = await NewQueueAsync();
        for (var i = 0; i < 40; i++)
        {
            await queue.SendAsync(i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var batch = await queue.ReceiveAsync(32);

        Assert.Equal(32, batch.Count);
        Assert.Equal(32, batch.Select(m => m.MessageId).Distinct().Count());
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => queue.ReceiveAsync(33));
        Assert.Equal(8, (await queue.ReceiveAsync(32)).Count);
    }

    [Fact]
    public async Task Deleting_an_unknown_message_reports_MessageNotFound()
    {
        var queue = await NewQueueAsync();
        var receipt = await queue.SendAsync("x");
        var message = Assert.Single(await queue.ReceiveAsync());
        await queue.DeleteAsync(message.MessageId, message.PopReceipt);

        var error = await Assert.ThrowsAsync<StorageRequestException>(() => queue.DeleteAsync(receipt.MessageId, message.PopReceipt));

        Assert.Equal(HttpStatusCode.NotFound, error.Status);
        Assert.Equal("MessageNotFound", error.ErrorCode);
    }

    [Fact]
    public async Task Create_is_idempotent_and_oversized_messages_are_rejected_before_sending()
    {
        var queue = await NewQueueAsync();

        await queue.CreateIfNotExistsAsync();
        await Assert.ThrowsAsync<ArgumentException>(() => queue.SendAsync(new string('x', (48 * 1024) + 1)));
        await queue.SendAsync(new string('x', 48 * 1024));
        Assert.Equal(48 * 1024, Assert.Single(await queue.ReceiveAsync()).Text.Length);
    }

    private static async Task<QueueMessage> ReceiveEventuallyAsync(IQueueClient queue)
    {
        for (var attempt = 0; attempt < 300; attempt++)
        {
            var messages = await queue.ReceiveAsync();
            if (messages.Count > 0)
            {
                return messages[0];
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("message did not become visible again");
    }
}
