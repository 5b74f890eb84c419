using SemanticRouter.Async.Queues;

namespace SemanticRouter.Operations.Tests;

public sealed class QueueMetricsTests
{
    [Fact]
    public async Task Queue_pollers_count_poisoned_messages_per_queue_on_metrics()
    {
        await using var backend = await UsageBackend.StartAsync();
        await using var router = await RouterHost.StartAsync(Configs.Router(backend.BaseUrl, backend.BaseUrl));
        var queues = router.Services.GetRequiredService<IQueueProvider>();

        // Delivered through the app's own pollers (standalone, in-process queues): the settled outcome is counted once.
        var audits = await queues.GetAsync("halugate-audits", CancellationToken.None);
        await audits.SendAsync("not json");
        await audits.SendAsync("{\"version\":99}");
        await (await queues.GetAsync("feedback", CancellationToken.None)).SendAsync("[]");

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var metrics = await PrometheusFamilies.ParseAsync(await (await router.GetAsync("/metrics")).Content.ReadAsStringAsync());
            var audited = metrics.Value("llm_queue_messages_total", ("queue", "halugate-audits"), ("outcome", "poisoned"));
            var feedback = metrics.Value("llm_queue_messages_total", ("queue", "feedback"), ("outcome", "poisoned"));
            if (audited == 2 && feedback == 1)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"poisoned: audits {audited}, feedback {feedback}");
            await Task.Delay(100);
        }
    }
}
