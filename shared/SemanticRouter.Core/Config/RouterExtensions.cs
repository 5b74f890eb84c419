using SemanticRouter.Core.Plugins;
using SemanticRouter.Core.Selection;
using SemanticRouter.Core.Signals;

namespace SemanticRouter.Core.Config;

/// <summary>
/// The signal kinds, plugin types, selection algorithms and global sections a host knows about.
/// Config loading validates against it; features in other projects register here.
/// </summary>
public sealed class RouterExtensions
{
    private readonly Dictionary<string, ISignalKind> _kindsByKey = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ISignalKind> _kindsByType = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IPluginFactory> _plugins = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IModelSelectionAlgorithm> _algorithms = new(StringComparer.Ordinal);
    private readonly List<IGlobalSectionBinder> _globalSections = [];

    public IEnumerable<ISignalKind> SignalKinds => _kindsByType.Values;

    public IReadOnlyList<IGlobalSectionBinder> GlobalSections => _globalSections;

    public RouterExtensions Add(ISignalKind kind)
    {
        _kindsByKey[kind.ConfigKey] = kind;
        _kindsByType[kind.Type] = kind;
        return this;
    }

    public RouterExtensions Add(IPluginFactory factory)
    {
        _plugins[factory.Type] = factory;
        foreach (var alias in factory.Aliases)
        {
            _plugins[alias] = factory;
        }

        return this;
    }

    public RouterExtensions Add(IModelSelectionAlgorithm algorithm)
    {
        _algorithms[algorithm.Type] = algorithm;
        return this;
    }

    public RouterExtensions Add(IGlobalSectionBinder section)
    {
        _globalSections.Add(section);
        return this;
    }

    public ISignalKind? KindByConfigKey(string key) => _kindsByKey.GetValueOrDefault(key);

    public ISignalKind? KindByType(string type) => _kindsByType.GetValueOrDefault(type);

    public IPluginFactory? Plugin(string type) => _plugins.GetValueOrDefault(type);

    public IModelSelectionAlgorithm? Algorithm(string type) => _algorithms.GetValueOrDefault(type);

    public IEnumerable<string> SignalConfigKeys => _kindsByKey.Keys.Order(StringComparer.Ordinal);

    public IEnumerable<string> PluginTypes => _plugins.Keys.Order(StringComparer.Ordinal);

    public IEnumerable<string> AlgorithmTypes => _algorithms.Keys.Order(StringComparer.Ordinal);
}
