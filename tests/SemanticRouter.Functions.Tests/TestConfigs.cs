namespace SemanticRouter.Functions.Tests;

/// <summary>Router configs for tests, pointed at loopback backends.</summary>
internal static class TestConfigs
{
    /// <summary>The reference config: small (2 weighted backends) and large, keyword math routing.</summary>
    public static string TwoModels(Uri a, Uri b, Uri c, string global = "", string extraDecisions = "") => $$$"""
        version: v1
        providers:
          default_model: small
          models:
            - name: small
              provider_model_id: qwen3-8b
              api_key_env: SMALL_KEY
              backend_refs:
                - {name: a, base_url: "{{{a}}}", weight: 3}
                - {name: b, base_url: "{{{b}}}", weight: 1}
            - name: large
              provider_model_id: big-model
              backend_refs: [{name: c, base_url: "{{{c}}}"}]
        routing:
          strategy: priority
          signals:
            keywords:
              - {name: math_terms, operator: OR, keywords: ["derivative", "integral"], case_sensitive: false}
          decisions:
            - name: math
              priority: 100
              rules: {operator: AND, conditions: [{type: keyword, name: math_terms}]}
              modelRefs: [{model: large}, {model: small}]
              plugins:
                - {type: system_prompt, configuration: {system_prompt: "You are a math expert.", mode: insert}}
        {{{extraDecisions}}}
            - name: default
              priority: 1
              rules: {operator: AND, conditions: []}
              modelRefs: [{model: small}]
        global:
          router: {auto_model_names: [MoM, auto]}
        {{{global}}}
        """;

    /// <summary>One model and one catch-all decision with an in-memory semantic cache (the hashing embedder: no model files).</summary>
    public static string SemanticCache(Uri backend) => $$$"""
        version: v1
        providers:
          default_model: small
          models:
            - {name: small, provider_model_id: s, backend_refs: [{name: a, base_url: "{{{backend}}}"}]}
        routing:
          decisions:
            - name: faq
              priority: 1
              rules: {operator: AND, conditions: []}
              modelRefs: [{model: small}]
              plugins:
                - {type: response_cache, configuration: {mode: semantic, ttl_seconds: 600}}
        global:
          stores:
            response_cache: {backend_type: memory, embedding_model: hashing-ngram-512-v1}
        """;

    public static string Body(string content, string model = "MoM", bool stream = false) =>
        $$"""{"model":"{{model}}","stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":{{System.Text.Json.JsonSerializer.Serialize(content)}}}]}""";
}
