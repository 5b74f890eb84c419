using System.ClientModel;
using OpenAI.Chat;
using SemanticRouter.Testing;

namespace SemanticRouter.Functions.Tests;

/// <summary>
/// Reasoning mode as a client sees it, through the official OpenAI .NET SDK: a math question is routed with
/// reasoning on and a chit-chat turn with it off, each written into the upstream body in the selected model's family
/// (Qwen3's <c>chat_template_kwargs.enable_thinking</c>, gpt-oss's <c>reasoning_effort</c>) and named in
/// <c>x-vsr-selected-reasoning</c>.
/// </summary>
public sealed class ReasoningSdkEndToEndTests : IAsyncLifetime
{
    private LoopbackBackend _qwen = null!;
    private LoopbackBackend _oss = null!;
    private RunningRouter _router = null!;

    public async Task InitializeAsync()
    {
        _qwen = await LoopbackBackend.StartAsync("qwen");
        _oss = await LoopbackBackend.StartAsync("oss");
        _router = await RunningRouter.StartAsync($$$"""
            version: v1
            providers:
              default_model: qwen
              models:
                - {name: qwen, provider_model_id: Qwen/Qwen3-8B, reasoning_family: qwen3, backend_refs: [{name: q, base_url: "{{{_qwen.BaseUrl}}}"}]}
                - {name: oss, provider_model_id: openai/gpt-oss-120b, reasoning_family: gpt-oss, backend_refs: [{name: o, base_url: "{{{_oss.BaseUrl}}}"}]}
            routing:
              signals:
                keywords:
                  - {name: math, operator: OR, keywords: ["integral", "derivative", "solve", "equation"], case_sensitive: false}
                  - {name: proof, operator: OR, keywords: ["\\bprove\\b"], case_sensitive: false}
              decisions:
                - {name: proof, priority: 200, rules: {operator: AND, conditions: [{type: keyword, name: proof}]}, modelRefs: [{model: oss, use_reasoning: true, reasoning_effort: high}]}
                - {name: math, priority: 100, rules: {operator: AND, conditions: [{type: keyword, name: math}]}, modelRefs: [{model: qwen, use_reasoning: true}]}
                - {name: chit_chat, priority: 1, rules: {operator: AND, conditions: []}, modelRefs: [{model: qwen, use_reasoning: false}, {model: oss, use_reasoning: false}]}
            """);
    }

    public async Task DisposeAsync()
    {
        await _router.DisposeAsync();
        await _qwen.DisposeAsync();
        await _oss.DisposeAsync();
    }

    [Fact]
    public async Task A_math_question_is_routed_with_reasoning_on_and_a_chit_chat_turn_with_it_off()
    {
        var client = _router.Chat("MoM");

        var math = await client.CompleteChatAsync([new UserChatMessage("Solve the equation 3x + 7 = 22 for x.")]);
        var chat = await client.CompleteChatAsync(
            [new UserChatMessage("Solve the equation 3x + 7 = 22 for x."), new AssistantChatMessage("x = 5."), new UserChatMessage("Thanks! Have a nice evening.")]);

        Assert.Equal("math", Header(math, "x-vsr-selected-decision"));
        Assert.Equal("on", Header(math, "x-vsr-selected-reasoning"));
        Assert.Equal("chit_chat", Header(chat, "x-vsr-selected-decision"));
        Assert.Equal("off", Header(chat, "x-vsr-selected-reasoning"));
        Assert.False(string.IsNullOrEmpty(math.Value.Content[0].Text));

        var requests = _qwen.Requests.ToArray();
        Assert.Equal(2, requests.Length);
        Assert.True(requests[0].Json["chat_template_kwargs"]!["enable_thinking"]!.GetValue<bool>());
        Assert.False(requests[1].Json["chat_template_kwargs"]!["enable_thinking"]!.GetValue<bool>());
        Assert.All(requests, r => Assert.Equal("Qwen/Qwen3-8B", (string?)r.Json["model"]));
    }

    [Fact]
    public async Task A_proof_goes_to_the_effort_family_model_with_its_effort_and_the_sdk_sees_it()
    {
        var proof = await _router.Chat("MoM").CompleteChatAsync([new UserChatMessage("Prove that the square root of 2 is irrational.")]);

        Assert.Equal("oss", Header(proof, "x-vsr-selected-model"));
        Assert.Equal("on", Header(proof, "x-vsr-selected-reasoning"));
        Assert.Equal("high", Header(proof, "x-vsr-selected-reasoning-effort"));
        var sent = Assert.Single(_oss.Requests).Json;
        Assert.Equal("high", (string?)sent["reasoning_effort"]);
        Assert.False(sent.ContainsKey("chat_template_kwargs"));
    }

    private static string? Header(ClientResult result, string name) =>
        result.GetRawResponse().Headers.TryGetValue(name, out var value) ? value : null;
}
