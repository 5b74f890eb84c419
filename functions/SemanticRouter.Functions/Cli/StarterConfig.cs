using System.Text;

namespace SemanticRouter.Functions.Cli;

/// <summary>
/// The YAML <c>init</c> writes. Comments explain each block to a first-time user and point to the docs; values from
/// the command line are written as quoted YAML scalars so a model id or URL can never change the document's shape.
/// </summary>
internal static class StarterConfig
{
    public static string Write(StarterModel small, StarterModel large, string? reasoningFamily, bool learnedSignals, string fileName)
    {
        var y = new StringBuilder();
        y.Append($$"""
            # Semantic Router starter config, written by `init`. Clients send "model": "MoM" (or "auto") to
            # /v1/chat/completions and the router picks a model per request:
            #   - prompt-injection attempts are answered with a refusal, no backend is called;
            #   - math, proofs and code go to the large model with reasoning turned on;
            #   - everything else (chit-chat, quick questions) goes to the small model with reasoning off.
            # A concrete model name ("small", "large") bypasses routing.
            #
            #   SemanticRouter validate --config {{fileName}}            # every problem, with its YAML path
            #   SemanticRouter serve --config {{fileName}} --port 8080   # edits to this file are hot-reloaded
            #   SemanticRouter status --url http://127.0.0.1:8080
            #
            # Every key, with its default: docs/configuration.md. Never write an API key into this file: name the
            # environment variable that holds it (api_key_env) and set that variable where the router runs.
            version: v1
            providers:
              # Serves requests no decision claims and requests naming a model the router does not know.
              default_model: small
              defaults:
                # Effort written when a decision turns reasoning on without naming one (low | medium | high).
                default_reasoning_effort: medium
              models:

            """);
        WriteModel(y, small, reasoningFamily);
        WriteModel(y, large, reasoningFamily);
        y.Append("""
            routing:
              # The matching decision with the highest priority wins.
              strategy: priority
              signals:
                # Regular expressions, matched case-insensitively against the user's messages.
                keywords:
                  - name: hard_prompt
                    operator: OR
                    keywords: ["derivative", "integral", "equation", "\\bprove\\b", "theorem", "algorithm", "stack trace", "regex"]
                    case_sensitive: false
                  - name: prompt_injection
                    operator: OR
                    keywords: ["ignore (all )?previous instructions", "you are now DAN"]
                    case_sensitive: false

            """);
        if (learnedSignals)
        {
            y.Append("""
                    # Learned signals: the ONNX classifiers shipped in models/ (docs/signals.md). They load in the background
                    # when the router starts; GET /ready (and `status`) answers 503 until they have loaded.
                    jailbreak:
                      - {name: jailbreak}          # classifier; default threshold 0.15
                    domains:
                      - {name: math}               # MMLU-style domain classifier; default threshold 0.5

                """);
        }

        var blockConditions = learnedSignals
            ? "[{type: keyword, name: prompt_injection}, {type: jailbreak, name: jailbreak}]"
            : "[{type: keyword, name: prompt_injection}]";
        var hardConditions = learnedSignals
            ? "[{type: keyword, name: hard_prompt}, {type: domain, name: math}]"
            : "[{type: keyword, name: hard_prompt}]";
        y.Append($$$"""
              decisions:
                - name: block_injection
                  priority: 1000
                  rules: {operator: OR, conditions: {{{blockConditions}}}}
                  plugins:
                    - {type: fast_response, configuration: {message: "This request was blocked by the router's policy."}}
                - name: hard
                  priority: 100
                  rules: {operator: OR, conditions: {{{hardConditions}}}}
                  # Tried in order: if the large model's backends fail, the small one answers, still reasoning.
                  modelRefs: [{model: large, use_reasoning: true}, {model: small, use_reasoning: true}]
                - name: default
                  priority: 1
                  rules: {operator: AND, conditions: []}   # always matches
                  modelRefs: [{model: small, use_reasoning: false}]
            global:
              router:
                auto_model_names: [MoM, auto]
              upstream:
                request_timeout_seconds: 120
                max_attempts: 3
              # API keys for the router itself (off while no key is configured): see docs/operations.md#auth.
              # services:
              #   auth:
              #     keys: [{id: app, key_env: ROUTER_CLIENT_KEY, tenant: default}]
              #     admin_keys: [{id: ops, key_env: ROUTER_ADMIN_KEY}]

            """);
        return y.ToString();
    }

    private static void WriteModel(StringBuilder y, StarterModel model, string? reasoningFamily)
    {
        y.Append($"    - name: {model.Name}\n");
        y.Append("      # The model id the backend serves (sent upstream as \"model\").\n");
        y.Append($"      provider_model_id: {Quoted(model.ModelId)}\n");
        if (reasoningFamily is null)
        {
            y.Append("      # reasoning_family: qwen3      # how reasoning is switched on and off (qwen3 | deepseek | gpt-oss | openai)\n");
        }
        else
        {
            y.Append("      # How reasoning is switched on and off for this model (qwen3 | deepseek | gpt-oss | openai).\n");
            y.Append($"      reasoning_family: {reasoningFamily}\n");
        }

        var keyVariable = model.KeyEnv ?? model.Name.ToUpperInvariant() + "_API_KEY";
        y.Append(model.KeyEnv is null
            ? $"      # api_key_env: {keyVariable}   # the environment variable holding the backend's API key, if it needs one\n"
            : $"      api_key_env: {keyVariable}   # the environment variable holding the backend's API key (sent as Authorization: Bearer)\n");
        y.Append("      backend_refs:\n");
        y.Append("        # More backends for the same model spread the load by weight and take over when one fails.\n");
        y.Append($"        - {{name: {model.Name}-1, base_url: {Quoted(model.Url)}, weight: 1}}\n");
    }

    /// <summary>A YAML double-quoted scalar (backslash and quote escaped), whatever characters the value holds.</summary>
    private static string Quoted(string value) =>
        "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
