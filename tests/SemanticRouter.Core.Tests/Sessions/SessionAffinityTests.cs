using System.Text;
using SemanticRouter.Core.Config;
using SemanticRouter.Core.Decisions;
using SemanticRouter.Core.OpenAI;
using SemanticRouter.Core.Pipeline;
using SemanticRouter.Core.Sessions;

namespace SemanticRouter.Core.Tests.Sessions;

/// <summary>
/// The stickiness rule on its own: a conversation keeps its decision and model unless a decision of higher priority
/// matches or another decision beats the sticky confidence by more than <c>switch_margin</c>; a record whose decision
/// or model a reload removed counts as none; a store that fails routes normally; writes are optimistic.
/// </summary>
public sealed class SessionAffinityTests
{
    private const string Yaml = """
        version: v1
        providers:
          default_model: small
          models:
            - {name: small, backend_refs: [{name: s, base_url: "http://127.0.0.1:9/v1"}]}
            - {name: large, backend_refs: [{name: l, base_url: "http://127.0.0.1:9/v1"}]}
        routing:
          signals:
            keywords: [{name: k, operator: OR, keywords: [x]}]
          decisions:
            - {name: block, priority: 1000, rules: {operator: AND, conditions: [{type: keyword, name: k}]}}
            - {name: math, priority: 100, rules: {operator: AND, conditions: [{type: keyword, name: k}]}, modelRefs: [{model: large}, {model: small}]}
            - {name: code, priority: 100, rules: {operator: AND, conditions: [{type: keyword, name: k}]}, modelRefs: [{model: small}]}
            - {name: chat, priority: 1, rules: {operator: AND, conditions: []}, modelRefs: [{model: small}]}
        global:
          router:
            session_affinity: {enabled: true, switch_margin: 0.2, ttl_seconds: 600}
        """;

    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly RouterSnapshot _snapshot;
    private readonly SessionAffinitySettings _settings;
    private readonly MemorySessionStore _store;
    private readonly SessionAffinity _affinity;

    public SessionAffinityTests()
    {
        var extensions = RouterExtensionsDefaults.CreateCore().Add(new SessionAffinitySettings.Binder(() => false));
        var config = new RouterConfigLoader(extensions).Load(Yaml);
        _snapshot = new RouterSnapshot(config, extensions, _ => null);
        _settings = SessionAffinitySettings.From(config);
        _store = new MemorySessionStore(() => 100, new FixedClock(Now));
        _affinity = new SessionAffinity(_store, time: new FixedClock(Now));
    }

    [Fact]
    public async Task A_new_conversation_routes_normally_and_a_later_turn_keeps_the_sticky_decision()
    {
        var first = Context("chat", 0);
        var state = await _affinity.ResolveAsync(_snapshot, Context("math", 0.6), _settings, CancellationToken.None);
        Assert.Equal(SessionOutcome.New, state!.Outcome);
        await Seed("math", 100, "large", 0.6);

        state = await _affinity.ResolveAsync(_snapshot, first, _settings, CancellationToken.None);

        Assert.Equal(SessionOutcome.Kept, state!.Outcome);
        Assert.True(state.Sticky);
        Assert.Equal("math", first.Decision!.Decision.Name);
        Assert.Equal(0.6, first.Decision.Confidence);
    }

    [Theory]
    [InlineData(0.79, SessionOutcome.Kept)] // within the margin (0.6 + 0.2)
    [InlineData(0.8, SessionOutcome.Kept)] // equal to old + margin does not beat it
    [InlineData(0.81, SessionOutcome.MarginSwitch)]
    public async Task An_equal_priority_decision_switches_only_when_it_beats_the_sticky_confidence_by_the_margin(double confidence, SessionOutcome expected)
    {
        await Seed("math", 100, "large", 0.6);
        var context = Context("code", confidence);

        var state = await _affinity.ResolveAsync(_snapshot, context, _settings, CancellationToken.None);

        Assert.Equal(expected, state!.Outcome);
        Assert.Equal(expected == SessionOutcome.Kept ? "math" : "code", context.Decision!.Decision.Name);
    }

    [Fact]
    public async Task A_higher_priority_decision_wins_whatever_its_confidence_and_a_lower_one_never_does_on_priority()
    {
        await Seed("math", 100, "large", 0.9);

        var block = Context("block", 0.01);
        Assert.Equal(SessionOutcome.PriorityOverride, (await _affinity.ResolveAsync(_snapshot, block, _settings, CancellationToken.None))!.Outcome);
        Assert.Equal("block", block.Decision!.Decision.Name);

        var chat = Context("chat", 0);
        Assert.Equal(SessionOutcome.Kept, (await _affinity.ResolveAsync(_snapshot, chat, _settings, CancellationToken.None))!.Outcome);
        Assert.Equal("math", chat.Decision!.Decision.Name);
    }

    [Fact]
    public async Task With_tiers_a_lower_tier_decision_overrides_whatever_its_priority_and_a_higher_tier_never_does_on_priority()
    {
        var extensions = RouterExtensionsDefaults.CreateCore().Add(new SessionAffinitySettings.Binder(() => false));
        var config = new RouterConfigLoader(extensions).Load(Yaml
            .Replace("{name: block, priority: 1000,", "{name: block, priority: 1, tier: 1,", StringComparison.Ordinal)
            .Replace("{name: math, priority: 100,", "{name: math, priority: 100, tier: 2,", StringComparison.Ordinal)
            .Replace("{name: code, priority: 100,", "{name: code, priority: 500, tier: 3,", StringComparison.Ordinal)
            .Replace("{name: chat, priority: 1,", "{name: chat, priority: 1, tier: 4,", StringComparison.Ordinal));
        var snapshot = new RouterSnapshot(config, extensions, _ => null);
        await Seed("math", 100, "large", 0.5);

        RoutingContext Turn(string decision)
        {
            var context = new RoutingContext("req-1", Chat(("user", "first question"), ("assistant", "an answer"), ("user", "a follow-up")), Headers(), config) { Routed = true };
            context.Decision = new DecisionResult(config.Routing.Decisions.Single(d => d.Name == decision), 0.5, []);
            return context;
        }

        var block = Turn("block");
        Assert.Equal(SessionOutcome.PriorityOverride, (await _affinity.ResolveAsync(snapshot, block, _settings, CancellationToken.None))!.Outcome);
        Assert.Equal("block", block.Decision!.Decision.Name);

        var code = Turn("code");
        Assert.Equal(SessionOutcome.Kept, (await _affinity.ResolveAsync(snapshot, code, _settings, CancellationToken.None))!.Outcome);
        Assert.Equal("math", code.Decision!.Decision.Name);
    }

    [Fact]
    public async Task A_turn_that_matches_no_decision_keeps_the_sticky_one()
    {
        await Seed("math", 100, "large", 0.9);
        var context = Context(null, 0);

        Assert.Equal(SessionOutcome.Kept, (await _affinity.ResolveAsync(_snapshot, context, _settings, CancellationToken.None))!.Outcome);
        Assert.Equal("math", context.Decision!.Decision.Name);
    }

    [Theory]
    [InlineData("gone", "large")]
    [InlineData("math", "removed-model")]
    public async Task A_record_naming_a_decision_or_model_the_config_no_longer_has_counts_as_none(string decision, string model)
    {
        await Seed(decision, 100, model, 0.9);
        var context = Context("chat", 0);

        var state = await _affinity.ResolveAsync(_snapshot, context, _settings, CancellationToken.None);

        Assert.Equal(SessionOutcome.New, state!.Outcome);
        Assert.Equal("chat", context.Decision!.Decision.Name);
    }

    [Fact]
    public async Task A_failing_store_routes_normally_and_remembers_nothing()
    {
        var affinity = new SessionAffinity(new FailingStore());
        var context = Context("chat", 0);

        var state = await affinity.ResolveAsync(_snapshot, context, _settings, CancellationToken.None);
        context.Session = state;
        context.Candidates = [_snapshot.Model("small")!.Config];
        await affinity.RememberAsync(context, _settings, CancellationToken.None);

        Assert.Equal(SessionOutcome.StoreUnavailable, state!.Outcome);
        Assert.False(state.Sticky);
        Assert.Equal("chat", context.Decision!.Decision.Name);
    }

    [Fact]
    public async Task Remember_writes_the_turns_decision_and_chosen_model_and_a_switch_replaces_it()
    {
        var first = Context("math", 0.6);
        first.Session = await _affinity.ResolveAsync(_snapshot, first, _settings, CancellationToken.None);
        first.Candidates = [_snapshot.Model("large")!.Config, _snapshot.Model("small")!.Config];
        await _affinity.RememberAsync(first, _settings, CancellationToken.None);

        var stored = await _store.GetAsync(first.Session!.Key, CancellationToken.None);
        Assert.Equal(new SessionRecord("math", 100, "large", 0.6, Now, Now + _settings.Ttl), stored!.Record);

        var block = Context("block", 1);
        block.Session = await _affinity.ResolveAsync(_snapshot, block, _settings, CancellationToken.None);
        block.Candidates = [_snapshot.Model("small")!.Config];
        await _affinity.RememberAsync(block, _settings, CancellationToken.None);
        Assert.Equal("block", (await _store.GetAsync(first.Session.Key, CancellationToken.None))!.Record.Decision);
    }

    [Fact]
    public void The_key_is_the_session_header_when_sent_else_tenant_system_prompt_and_first_user_message()
    {
        var a = SessionKey.For(Chat(("system", "be brief"), ("user", "hi"), ("assistant", "hello"), ("user", "why?")), Headers());
        var sameStart = SessionKey.For(Chat(("system", "be brief"), ("user", "hi")), Headers());
        var otherSystem = SessionKey.For(Chat(("system", "be long"), ("user", "hi")), Headers());
        var otherTenant = SessionKey.For(Chat(("system", "be brief"), ("user", "hi")), Headers(("x-authz-tenant-id", "t2")));
        var byId = SessionKey.For(Chat(("user", "one")), Headers(("x-vsr-session-id", "s1")));
        var byIdOtherText = SessionKey.For(Chat(("user", "two")), Headers(("x-vsr-session-id", "s1")));
        var byIdOtherTenant = SessionKey.For(Chat(("user", "one")), Headers(("x-vsr-session-id", "s1"), ("x-authz-tenant-id", "t2")));

        Assert.Equal(a, sameStart);
        Assert.NotEqual(a, otherSystem);
        Assert.NotEqual(a, otherTenant);
        Assert.Equal(byId, byIdOtherText);
        Assert.NotEqual(byId, byIdOtherTenant);
        Assert.Matches("^[0-9a-f]{64}$", a!);
        Assert.Null(SessionKey.For(Chat(("system", "only a system prompt")), Headers()));
        var tooLong = Assert.Throws<RouterException>(() => SessionKey.For(Chat(("user", "x")), Headers(("x-vsr-session-id", new string('s', 257)))));
        Assert.Equal(400, tooLong.StatusCode);
    }

    private async Task Seed(string decision, int priority, string model, double confidence)
    {
        var key = SessionKey.For(Chat(("user", "first question")), Headers())!;
        var existing = await _store.GetAsync(key, CancellationToken.None);
        Assert.True(await _store.TryWriteAsync(key, new SessionRecord(decision, priority, model, confidence, Now, Now.AddMinutes(10)), existing?.Version, CancellationToken.None));
    }

    /// <summary>A later turn of the conversation that starts with "first question", as routed to <paramref name="decision"/>.</summary>
    private RoutingContext Context(string? decision, double confidence)
    {
        var request = Chat(("user", "first question"), ("assistant", "an answer"), ("user", "a follow-up"));
        var context = new RoutingContext("req-1", request, Headers(), _snapshot.Config) { Routed = true };
        if (decision is not null)
        {
            context.Decision = new DecisionResult(_snapshot.Config.Routing.Decisions.Single(d => d.Name == decision), confidence, []);
        }

        return context;
    }

    private static ChatRequest Chat(params (string Role, string Text)[] messages)
    {
        var json = new StringBuilder("{\"model\":\"MoM\",\"messages\":[");
        json.AppendJoin(',', messages.Select(m => $"{{\"role\":\"{m.Role}\",\"content\":\"{m.Text}\"}}"));
        json.Append("]}");
        return ChatRequest.Parse(Encoding.UTF8.GetBytes(json.ToString()), 100);
    }

    private static Dictionary<string, string> Headers(params (string Name, string Value)[] headers) => headers.ToDictionary(h => h.Name, h => h.Value);

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private sealed class FailingStore : ISessionStore
    {
        public string Name => "failing";

        public ValueTask<StoredSession?> GetAsync(string key, CancellationToken cancellationToken) => throw new IOException("store down");

        public ValueTask<bool> TryWriteAsync(string key, SessionRecord record, string? expectedVersion, CancellationToken cancellationToken) => throw new IOException("store down");
    }
}
