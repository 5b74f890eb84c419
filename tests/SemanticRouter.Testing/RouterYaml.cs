namespace SemanticRouter.Testing;

/// <summary>Router configs that tests and benchmarks build around the part they exercise.</summary>
public static class RouterYaml
{
    /// <summary>
    /// A minimal valid config (one model on an unused port) whose routing holds only the given signal rules,
    /// each a YAML list item (<c>- {name: k, ...}</c>) under <c>routing.signals.&lt;key&gt;</c>.
    /// </summary>
    public static string SignalsOnly(string key, params IEnumerable<string> ruleItems) =>
        $$"""
        version: v1
        providers:
          default_model: m
          models: [{name: m, backend_refs: [{base_url: "http://127.0.0.1:1/v1"}]}]
        routing:
          signals:
            {{key}}:

        """ + string.Concat(ruleItems.Select(rule => "      " + rule + "\n"));
}
