using System.Net;
using SemanticRouter.Storage.Azure;
using SemanticRouter.Storage.Azure.Queues;

namespace SemanticRouter.Storage.Tests;

public sealed class InMemoryQueueClientTests : QueueClientContract
{
    [Fact]
    public async Task Operations_before_create_report_QueueNotFound_like_the_service()
    {
        var queue = new InMemoryQueueClient("jobs");

        var error = await Assert.ThrowsAsync<StorageRequestException>(() => queue.SendAsync("x"));

        Assert.Equal(HttpStatusCode.NotFound, error.Status);
        Assert.Equal("QueueNotFound", error.ErrorCode);
    }

    [Fact]
    public async Task Expired_messages_disappear()
    {
        var queue = new InMemoryQueueClient("ttl");
        await queue.CreateIfNotExistsAsync();

        await queue.SendAsync("short", timeToLive: TimeSpan.FromMilliseconds(50));
        await Task.Delay(100);

        Assert.Empty(await queue.PeekAsync());
        Assert.Equal(0, await queue.GetApproximateCountAsync());
    }

    [Fact]
    public async Task The_factory_hands_every_caller_the_same_queue_for_a_name()
    {
        var factory = new InMemoryQueueFactory();
        var producer = factory.GetQueueClient("feedback");
        await producer.CreateIfNotExistsAsync();
        await producer.SendAsync("rating");

        var consumer = factory.GetQueueClient("feedback");

        Assert.Equal("rating", Assert.Single(await consumer.ReceiveAsync()).Text);
        Assert.Throws<ArgumentException>(() => factory.GetQueueClient("Bad_Name"));
    }

    protected override async Task<IQueueClient> NewQueueAsync()
    {
        var queue = new InMemoryQueueClient("q-" + Guid.NewGuid().ToString("N")[..8]);
        await queue.CreateIfNotExistsAsync();
        return queue;
    }
}
