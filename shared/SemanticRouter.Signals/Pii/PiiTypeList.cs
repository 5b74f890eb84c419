using SemanticRouter.Core.Config;

namespace SemanticRouter.Signals.Pii;

/// <summary>Binds a list of PII type names (canonical or alias) with a path-precise error for unknown ones.</summary>
internal static class PiiTypeList
{
    public static HashSet<string> Bind(ConfigNode node, string key)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        var names = node.StringList(key);
        var items = node[key].Items();
        for (var i = 0; i < names.Count; i++)
        {
            if (PiiTypes.Canonical(names[i]) is { } type)
            {
                set.Add(type);
            }
            else
            {
                items[i].Error($"unknown PII type '{names[i]}' (known: {string.Join(", ", PiiTypes.All)})");
            }
        }

        return set;
    }
}
