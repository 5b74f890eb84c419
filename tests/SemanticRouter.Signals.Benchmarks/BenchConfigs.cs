using System.Text.Json;

namespace SemanticRouter.Signals.Benchmarks;

/// <summary>The two configs every benchmark compares: all learned signals referenced, or keyword routing only.</summary>
internal static class BenchConfigs
{
    /// <summary>About 100 WordPiece tokens of an ordinary prompt.</summary>
    public const string Prompt100Tokens =
        "I am preparing for an exam in introductory physics and I keep getting confused by problems about projectile motion. "
        + "A ball is thrown from the top of a building that is forty meters tall with an initial speed of fifteen meters per second "
        + "at an angle of thirty degrees above the horizontal. How long does the ball stay in the air, how far from the base of the "
        + "building does it land, and what is its speed just before it hits the ground? Please explain each step.";

    /// <summary>Distinct prompts a benchmark cycles through.</summary>
    public const int DistinctPrompts = 4096;

    /// <summary>
    /// <paramref name="prompt"/> made unique by a numbered prefix: models share work between identical token sequences
    /// (the trunk of the default encoders), so a benchmark that repeated one prompt would measure that sharing, not a
    /// stream of different prompts.
    /// </summary>
    public static string Distinct(string prompt, int n) => $"Question {n % DistinctPrompts}. {prompt}";

    /// <summary>
    /// A thread-safe source of chat-completion bodies (model <c>MoM</c>, one user turn) that cycles through
    /// <see cref="DistinctPrompts"/> distinct variants of <paramref name="prompt"/>, each prepared once by
    /// <paramref name="prepare"/> (outside the timed part).
    /// </summary>
    public static Func<T> CyclingChatBodies<T>(string prompt, Func<string, T> prepare)
    {
        var bodies = Enumerable.Range(0, DistinctPrompts)
            .Select(n => prepare($$"""{"model":"MoM","messages":[{"role":"user","content":{{JsonSerializer.Serialize(Distinct(prompt, n))}}}]}"""))
            .ToArray();
        var next = 0;
        return () => bodies[(int)((uint)Interlocked.Increment(ref next) % bodies.Length)];
    }

    public static string Learned(string backendUrl) => Header(backendUrl) + """
          signals:
            domains: [{name: physics}, {name: math}]
            jailbreak: [{name: jb, threshold: 0.7}]
            pii: [{name: pii_any, pii_types_allowed: []}]
            embeddings: [{name: support, threshold: 0.6, candidates: ["reset my password", "billing issue", "cancel my subscription"]}]
            complexity: [{name: rq, threshold: 0.05, hard: {candidates: ["prove the theorem step by step", "derive the equations of motion"]}, easy: {candidates: ["what time is it", "say hello"]}}]
            language: [{name: en}]
          decisions:
            - name: blocked
              priority: 1000
              rules: {operator: OR, conditions: [{type: jailbreak, name: jb}]}
              modelRefs: [{model: small}]
            - name: science_hard
              priority: 100
              rules: {operator: AND, conditions: [{type: domain, name: physics}, {type: complexity, name: "rq:hard"}, {type: language, name: en}]}
              modelRefs: [{model: small}]
            - name: private
              priority: 50
              rules: {operator: OR, conditions: [{type: pii, name: pii_any}, {type: embedding, name: support}, {type: domain, name: math}]}
              modelRefs: [{model: small}]
            - name: default
              priority: 1
              rules: {operator: AND, conditions: []}
              modelRefs: [{model: small}]
        """;

    public static string Baseline(string backendUrl) => Header(backendUrl) + """
          signals:
            keywords: [{name: physics_terms, operator: OR, keywords: ["projectile", "velocity"]}]
          decisions:
            - name: science
              priority: 100
              rules: {operator: AND, conditions: [{type: keyword, name: physics_terms}]}
              modelRefs: [{model: small}]
            - name: default
              priority: 1
              rules: {operator: AND, conditions: []}
              modelRefs: [{model: small}]
        """;

    private static string Header(string backendUrl) => $$"""
        version: v1
        providers:
          default_model: small
          models:
            - name: small
              provider_model_id: small-model
              backend_refs: [{name: echo, base_url: "{{backendUrl}}"}]
        global:
          router: {auto_model_names: [MoM]}
        routing:
          strategy: priority

        """;
}
