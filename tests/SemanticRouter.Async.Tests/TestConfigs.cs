namespace SemanticRouter.Async.Tests;

/// <summary>Router configs for the queue-function tests.</summary>
internal static class TestConfigs
{
    /// <summary>A routed chat request carrying the Eiffel Tower context as a RAG field, optionally tagged with a request id.</summary>
    public static HttpRequestMessage EiffelRequest(string question = "How tall is the Eiffel Tower?", string? requestId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new System.Text.Json.Nodes.JsonObject
            {
                ["model"] = "MoM",
                ["context"] = new System.Text.Json.Nodes.JsonArray(EiffelContext),
                ["messages"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject { ["role"] = "user", ["content"] = question }),
            }),
        };
        if (requestId is not null)
        {
            request.Headers.Add("x-request-id", requestId);
        }

        return request;
    }

    /// <summary><c>grounded</c> (keyword "tower") runs HaluGate; <c>chat</c> (everything else) picks small/large by user ratings.</summary>
    public static string Router(Uri backend, string hallucinationMode = "both") => $$$"""
        version: v1
        providers:
          default_model: small
          models:
            - name: small
              provider_model_id: small-8b
              backend_refs: [{name: b, base_url: "{{{backend}}}", weight: 1}]
            - name: large
              provider_model_id: large-70b
              backend_refs: [{name: b, base_url: "{{{backend}}}", weight: 1}]
        routing:
          signals:
            keywords:
              - {name: rag_terms, operator: OR, keywords: ["tower"]}
          decisions:
            - name: grounded
              priority: 100
              rules: {operator: OR, conditions: [{type: keyword, name: rag_terms}]}
              modelRefs: [{model: large}]
              plugins:
                - {type: hallucination, configuration: {mode: {{{hallucinationMode}}}, action: header}}
            - name: chat
              priority: 1
              rules: {operator: AND, conditions: []}
              modelRefs: [{model: small}, {model: large}]
              algorithm: {type: feedback, feedback: {exploration: 0, min_ratings: 1}}
        global:
          router: {auto_model_names: [MoM]}
        """;

    public const string EiffelContext = "The Eiffel Tower in Paris is 330 m tall. It was completed in 1889 as the entrance arch for the World's Fair, designed by the company of Gustave Eiffel.";

    public const string EiffelAnswer = "The Eiffel Tower is 324 m tall and was completed in 1889.";
}
