using System.Text.Json.Nodes;
using SemanticRouter.Functions.Responses.Store;

namespace SemanticRouter.Functions.Tests.Responses;

/// <summary>What every response store must do, run against the memory store and the Blob store (Azurite).</summary>
internal static class ResponseStoreContract
{
    public static StoredResponse Response(string id, TimeSpan? expiresIn = null, string text = "hello") => new(
        id,
        DateTimeOffset.UtcNow + (expiresIn ?? TimeSpan.FromHours(1)),
        new JsonObject { ["id"] = id, ["object"] = "response", ["output"] = new JsonArray(new JsonObject { ["text"] = text }) },
        new JsonArray(new JsonObject { ["role"] = "user", ["content"] = text }, new JsonObject { ["role"] = "assistant", ["content"] = "answer" }));

    public static async Task SavesGetsAndDeletesPerTenantAsync(IResponseStore store)
    {
        await store.SaveAsync("tenant-a", Response("resp_contract1", text: "for a"), CancellationToken.None);

        var found = await store.GetAsync("tenant-a", "resp_contract1", CancellationToken.None);
        Assert.NotNull(found);
        Assert.Equal("for a", (string?)found.Response["output"]![0]!["text"]);
        Assert.Equal(["user", "assistant"], found.Conversation.Select(m => (string)m!["role"]!));

        // Another tenant neither finds nor deletes it.
        Assert.Null(await store.GetAsync("tenant-b", "resp_contract1", CancellationToken.None));
        Assert.False(await store.DeleteAsync("tenant-b", "resp_contract1", CancellationToken.None));
        Assert.NotNull(await store.GetAsync("tenant-a", "resp_contract1", CancellationToken.None));

        // What a caller does to a returned copy does not change what is stored.
        found.Conversation.Clear();
        Assert.Equal(2, (await store.GetAsync("tenant-a", "resp_contract1", CancellationToken.None))!.Conversation.Count);

        Assert.True(await store.DeleteAsync("tenant-a", "resp_contract1", CancellationToken.None));
        Assert.Null(await store.GetAsync("tenant-a", "resp_contract1", CancellationToken.None));
        Assert.False(await store.DeleteAsync("tenant-a", "resp_contract1", CancellationToken.None));
    }

    public static async Task ExpiredResponsesAreGoneAsync(IResponseStore store)
    {
        await store.SaveAsync("tenant-a", Response("resp_expired", expiresIn: TimeSpan.FromSeconds(-1)), CancellationToken.None);

        Assert.Null(await store.GetAsync("tenant-a", "resp_expired", CancellationToken.None));
        Assert.False(await store.DeleteAsync("tenant-a", "resp_expired", CancellationToken.None));
    }
}
