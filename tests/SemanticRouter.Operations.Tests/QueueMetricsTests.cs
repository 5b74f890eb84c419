using SemanticRouter.Async.Queues;

namespace SemanticRouter.Operations.Tests;

public sealed class QueueMetricsTests
{
    [Fact]
    public async Task Queue_handlers_count_processed_and_poisoned_messages_per_queue()
    {
        await using var backend = await UsageBackend.StartAsync();
        await using var router = await RouterHost.StartAsync(Configs.Router(backend.BaseUrl, backend.BaseUrl));
        var handlers = router.Services.GetServices<IQueueMessageHandler>().ToDictionary(h => h.QueueName);

        var audit = await handlers["halugate-audits"].HandleAsync([new QueueWorkItem("m1", "not json", 1), new QueueWorkItem("m2", "{\"version\":99}", 1)], CancellationToken.None);
        Assert.All(audit, o => Assert.False(o.Completed));
        var feedback = await handlers["feedback"].HandleAsync([new QueueWorkItem("m3", "[]", 1)], CancellationToken.None);
        Assert.False(Assert.Single(feedback).Completed);

        var metrics = await PrometheusFamilies.ParseAsync(await (await router.GetAsync("/metrics")).Content.ReadAsStringAsync());
        Assert.Equal(2, metrics.Value("llm_queue_messages_total", ("queue", "halugate-audits"), ("outcome", "poisoned")));
        Assert.Equal(1, metrics.Value("llm_queue_messages_total", ("queue", "feedback"), ("outcome", "poisoned")));
    }
}
