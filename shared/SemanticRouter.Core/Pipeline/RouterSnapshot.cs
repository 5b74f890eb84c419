using SemanticRouter.Core.Config;
using SemanticRouter.Core.Decisions;
using SemanticRouter.Core.Plugins;
using SemanticRouter.Core.Selection;
using SemanticRouter.Core.Signals;
using SemanticRouter.Core.Upstream;

namespace SemanticRouter.Core.Pipeline;

/// <summary>
/// A config compiled for serving: evaluators for the referenced signals only, the decision engine,
/// plugin instances and selectors per decision, and resolved upstream models. Immutable; a reload
/// swaps in a new snapshot while in-flight requests finish on the one they started with.
/// </summary>
public sealed class RouterSnapshot
{
    private readonly Dictionary<string, UpstreamModel> _models;
    private readonly Dictionary<string, CompiledDecision> _decisions;
    private readonly HashSet<string> _autoNames;

    /// <param name="health">Backend health shared across reloads; null starts every backend clean (tests, one-shot CLI runs).</param>
    public RouterSnapshot(RouterConfig config, RouterExtensions extensions, Func<string, string?> environment, BackendHealthRegistry? health = null)
    {
        Config = config;
        health ??= new BackendHealthRegistry();
        _models = config.Providers.Models.ToDictionary(m => m.Name, m => new UpstreamModel(m, environment, health), StringComparer.Ordinal);
        _autoNames = new HashSet<string>(config.Global.Router.AutoModelNames, StringComparer.Ordinal);

        var referenced = RouterConfigLoader.ReferencedLeaves(config.Routing, extensions);
        var evaluators = new List<ISignalEvaluator>();
        foreach (var (key, rules) in config.Routing.Signals)
        {
            var kind = extensions.KindByConfigKey(key)!;
            var used = rules.Where(r => kind.LeafNames(r).Any(n => referenced.Contains((kind.Type, n)))).ToList();
            if (used.Count > 0)
            {
                evaluators.Add(kind.CreateEvaluator(used));
            }
        }

        Evaluators = evaluators;
        Engine = new DecisionEngine(config.Routing.Decisions, config.Routing.Strategy);
        _decisions = config.Routing.Decisions.ToDictionary(
            d => d.Name,
            d => new CompiledDecision(
                d.Plugins.Where(p => p.Enabled).Select(p => extensions.Plugin(p.Type)!.Create(p.Settings, new PluginCreationContext(config, d))).ToArray(),
                CreateSelector(extensions, d, config)),
            StringComparer.Ordinal);
    }

    public RouterConfig Config { get; }

    public IReadOnlyList<ISignalEvaluator> Evaluators { get; }

    public DecisionEngine Engine { get; }

    public IEnumerable<UpstreamModel> Models => _models.Values;

    public DateTimeOffset LoadedAt { get; } = DateTimeOffset.UtcNow;

    /// <summary>
    /// SHA-256 (lower-case hex) of the config text this snapshot was compiled from, so an operator can tell which
    /// version an instance serves (<c>/ready</c>, <c>status</c>) and compare it with <c>sha256sum</c> of the file;
    /// null when the snapshot was built from an object rather than text.
    /// </summary>
    public string? ConfigHash { get; init; }

    public bool IsAutoModel(string model) => _autoNames.Contains(model);

    public UpstreamModel? Model(string name) => _models.GetValueOrDefault(name);

    public CompiledDecision Decision(string name) => _decisions[name];

    private static IModelSelector CreateSelector(RouterExtensions extensions, DecisionConfig d, RouterConfig config)
    {
        return extensions.Algorithm(d.Algorithm.Type)!.Create(d.Algorithm.Settings, d, config);
    }
}

/// <summary>A decision's plugin instances (in order) and model selector.</summary>
public sealed record CompiledDecision(IReadOnlyList<IRoutePlugin> Plugins, IModelSelector Selector);
