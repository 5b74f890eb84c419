namespace SemanticRouter.Operations.Tests;

/// <summary>Router configs for the operations tests: two priced models on loopback backends, keyword routing.</summary>
internal static class Configs
{
    public static string Router(Uri small, Uri large, string services = "") => $$$"""
        version: v1
        providers:
          default_model: small
          models:
            - name: small
              provider_model_id: small-8b
              pricing: {currency: USD, prompt_per_1m: 1.0, completion_per_1m: 2.0}
              backend_refs: [{name: s1, base_url: "{{{small}}}"}]
            - name: large
              provider_model_id: large-70b
              pricing: {currency: EUR, prompt_per_1m: 10.0, completion_per_1m: 30.0}
              backend_refs: [{name: l1, base_url: "{{{large}}}"}]
        routing:
          signals:
            keywords:
              - {name: math_terms, operator: OR, keywords: ["derivative", "integral"]}
          decisions:
            - name: math
              priority: 100
              rules: {operator: AND, conditions: [{type: keyword, name: math_terms}]}
              modelRefs: [{model: large}]
              plugins:
                - {type: system_prompt, configuration: {system_prompt: "You are a math expert.", mode: insert}}
            - name: general
              priority: 1
              rules: {operator: AND, conditions: []}
              modelRefs: [{model: small}]
        global:
          router: {auto_model_names: [MoM]}
          upstream: {max_attempts: 1}
        {{{services}}}
        """;
}
