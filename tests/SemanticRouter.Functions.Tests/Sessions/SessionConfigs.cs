namespace SemanticRouter.Functions.Tests.Sessions;

/// <summary>Keyword routing over two models (small and large on their own backends) with session affinity on.</summary>
internal static class SessionConfigs
{
    /// <param name="affinity">The <c>session_affinity</c> mapping, e.g. <c>{enabled: true}</c>.</param>
    public static string Sticky(Uri small, Uri large, string affinity = "{enabled: true, store: memory}") => $$$"""
        version: v1
        providers:
          default_model: small
          models:
            - {name: small, provider_model_id: small-model, backend_refs: [{name: s, base_url: "{{{small}}}"}]}
            - {name: large, provider_model_id: large-model, backend_refs: [{name: l, base_url: "{{{large}}}"}]}
        routing:
          strategy: priority
          signals:
            keywords:
              - {name: injection, operator: OR, keywords: ["ignore (all )?previous instructions"]}
              - {name: math_terms, operator: OR, keywords: ["integral", "derivative"]}
          decisions:
            - name: block_injection
              priority: 1000
              rules: {operator: OR, conditions: [{type: keyword, name: injection}]}
              plugins: [{type: fast_response, configuration: {message: "Request blocked by policy."}}]
            - name: math
              priority: 100
              rules: {operator: AND, conditions: [{type: keyword, name: math_terms}]}
              modelRefs: [{model: large}, {model: small}]
            - name: default
              priority: 1
              rules: {operator: AND, conditions: []}
              modelRefs: [{model: small}]
        global:
          router:
            auto_model_names: [MoM]
            session_affinity: {{{affinity}}}
        """;
}
