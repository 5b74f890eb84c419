using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace SemanticRouter.Core.Config;

/// <summary>
/// A read-only view of one YAML node that knows its path and reports type problems into a shared
/// error list instead of throwing, so a config load reports every problem at once.
/// Plugins and signal kinds from other projects bind their own sections through it.
/// </summary>
public sealed class ConfigNode
{
    private readonly List<ConfigError> _errors;

    internal ConfigNode(YamlNode? node, string path, List<ConfigError> errors)
    {
        Node = node;
        Path = path;
        _errors = errors;
    }

    public string Path { get; }

    internal YamlNode? Node { get; }

    public bool Exists => Node is not null && !IsNullScalar(Node);

    public int Line => Node is null ? 0 : (int)Node.Start.Line;

    public bool IsMapping => Node is YamlMappingNode;

    public bool IsSequence => Node is YamlSequenceNode;

    public bool IsScalar => Node is YamlScalarNode s && !IsNullScalar(s);

    public IReadOnlyList<ConfigError> Errors => _errors;

    public void Error(string message) => _errors.Add(new ConfigError(Path, message, Line));

    public void Error(string childKey, string message) => this[childKey].Error(message);

    public ConfigNode this[string key]
    {
        get
        {
            var childPath = Path.Length == 0 ? key : Path + "." + key;
            if (Node is YamlMappingNode map)
            {
                foreach (var (k, v) in map.Children)
                {
                    if (k is YamlScalarNode ks && ks.Value == key)
                    {
                        return new ConfigNode(v, childPath, _errors);
                    }
                }
            }

            return new ConfigNode(null, childPath, _errors);
        }
    }

    /// <summary>Reports keys that are not in <paramref name="allowed"/> (typos would otherwise be silently ignored).</summary>
    public void CheckKeys(params string[] allowed)
    {
        if (Node is not YamlMappingNode map)
        {
            return;
        }

        foreach (var (k, _) in map.Children)
        {
            var name = (k as YamlScalarNode)?.Value ?? "?";
            if (Array.IndexOf(allowed, name) < 0)
            {
                _errors.Add(new ConfigError(Path.Length == 0 ? name : Path + "." + name, $"unknown key \"{name}\" (allowed: {string.Join(", ", allowed)})", (int)k.Start.Line));
            }
        }
    }

    public IEnumerable<string> Keys => Node is YamlMappingNode map
        ? map.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value ?? string.Empty)
        : [];

    public IEnumerable<(string Key, ConfigNode Value)> Entries()
    {
        if (Node is not YamlMappingNode map)
        {
            if (Exists)
            {
                Error("expected a mapping");
            }

            yield break;
        }

        foreach (var (k, v) in map.Children)
        {
            var key = (k as YamlScalarNode)?.Value ?? string.Empty;
            yield return (key, new ConfigNode(v, Path.Length == 0 ? key : Path + "." + key, _errors));
        }
    }

    public IReadOnlyList<ConfigNode> Items()
    {
        if (Node is YamlSequenceNode seq)
        {
            var list = new List<ConfigNode>(seq.Children.Count);
            for (var i = 0; i < seq.Children.Count; i++)
            {
                list.Add(new ConfigNode(seq.Children[i], $"{Path}[{i}]", _errors));
            }

            return list;
        }

        if (Exists)
        {
            Error("expected a list");
        }

        return [];
    }

    public string? String(bool required = false)
    {
        if (!Exists)
        {
            if (required)
            {
                Error("is required");
            }

            return null;
        }

        if (Node is YamlScalarNode s)
        {
            return s.Value;
        }

        Error("expected a string");
        return null;
    }

    public string? String(string key, bool required = false) => this[key].String(required);

    public string StringOr(string key, string fallback) => this[key].String() ?? fallback;

    public double? Double(string key, double? min = null, double? max = null)
    {
        var node = this[key];
        var s = node.String();
        if (s is null)
        {
            return null;
        }

        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || double.IsNaN(v))
        {
            node.Error($"expected a number, got \"{s}\"");
            return null;
        }

        if ((min is not null && v < min) || (max is not null && v > max))
        {
            node.Error($"must be between {min?.ToString(CultureInfo.InvariantCulture) ?? "-inf"} and {max?.ToString(CultureInfo.InvariantCulture) ?? "inf"}, got {s}");
        }

        return v;
    }

    /// <summary>
    /// A duration in the anchor's (Envoy's) notation, <c>30s</c>, <c>500ms</c>, <c>2m</c>, <c>1h</c>, or a bare number of
    /// seconds; checked against <paramref name="min"/> and <paramref name="max"/>.
    /// </summary>
    public TimeSpan? Duration(string key, TimeSpan min, TimeSpan max)
    {
        var node = this[key];
        var s = node.String()?.Trim();
        if (s is null)
        {
            return null;
        }

        var (number, unit) = s.EndsWith("ms", StringComparison.OrdinalIgnoreCase) ? (s[..^2], 0.001)
            : s.EndsWith('s') || s.EndsWith('S') ? (s[..^1], 1d)
            : s.EndsWith('m') || s.EndsWith('M') ? (s[..^1], 60d)
            : s.EndsWith('h') || s.EndsWith('H') ? (s[..^1], 3600d)
            : (s, 1d);
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || double.IsNaN(v) || double.IsInfinity(v))
        {
            node.Error($"expected a duration such as 30s, 500ms or 2m (or a number of seconds), got \"{s}\"");
            return null;
        }

        var seconds = v * unit;
        if (seconds < min.TotalSeconds || seconds > max.TotalSeconds)
        {
            node.Error($"must be between {min.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s and {max.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s, got {s}");
            return null;
        }

        return TimeSpan.FromSeconds(seconds);
    }

    public int? Int(string key, int? min = null, int? max = null)
    {
        var node = this[key];
        var s = node.String();
        if (s is null)
        {
            return null;
        }

        if (!int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v))
        {
            node.Error($"expected an integer, got \"{s}\"");
            return null;
        }

        if ((min is not null && v < min) || (max is not null && v > max))
        {
            node.Error($"must be between {min?.ToString(CultureInfo.InvariantCulture) ?? "-inf"} and {max?.ToString(CultureInfo.InvariantCulture) ?? "inf"}, got {v}");
        }

        return v;
    }

    public bool? Bool(string key)
    {
        var node = this[key];
        var s = node.String();
        if (s is null)
        {
            return null;
        }

        switch (s.ToLowerInvariant())
        {
            case "true" or "yes" or "on":
                return true;
            case "false" or "no" or "off":
                return false;
            default:
                node.Error($"expected true or false, got \"{s}\"");
                return null;
        }
    }

    /// <summary>A string that must be one of <paramref name="allowed"/> (case-insensitive); returns it lower-cased.</summary>
    public string? Enum(string key, params string[] allowed)
    {
        var node = this[key];
        var s = node.String();
        if (s is null)
        {
            return null;
        }

        foreach (var a in allowed)
        {
            if (string.Equals(a, s, StringComparison.OrdinalIgnoreCase))
            {
                return a;
            }
        }

        node.Error($"must be one of {string.Join(" | ", allowed)}, got \"{s}\"");
        return null;
    }

    public IReadOnlyList<string> StringList(string key)
    {
        var node = this[key];
        if (!node.Exists)
        {
            return [];
        }

        if (node.Node is YamlScalarNode)
        {
            node.Error("expected a list of strings");
            return [];
        }

        var list = new List<string>();
        foreach (var item in node.Items())
        {
            var s = item.String();
            if (s is null)
            {
                continue;
            }

            // Every list read this way names things or holds text to match, so a blank entry is a mistake
            // (a blank keyword pattern would match every prompt). It stays in the list so callers' indexes
            // still line up with the YAML items; the error rejects the config anyway.
            if (string.IsNullOrWhiteSpace(s))
            {
                item.Error("expected a non-empty string");
            }

            list.Add(s);
        }

        return list;
    }

    public IReadOnlyDictionary<string, string> StringMap(string key)
    {
        var node = this[key];
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in node.Entries())
        {
            var s = v.String();
            if (s is not null)
            {
                map[k] = s;
            }
        }

        return map;
    }

    private static bool IsNullScalar(YamlNode node) =>
        node is YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain } s && (s.Value is null || s.Value is "" or "~" or "null" or "Null" or "NULL");
}
