using System.Text;
using System.Text.RegularExpressions;

namespace SemanticRouter.Core.Config;

/// <summary>
/// Expands <c>${NAME}</c> and <c>${NAME:-default}</c> in config text from the environment (app settings
/// on Azure), so one file serves several environments. An unset variable without a default is an
/// error naming its line. Secrets should not be expanded into config; use <c>api_key_env</c>.
/// </summary>
public static partial class EnvironmentExpander
{
    public static string Expand(string text, Func<string, string?> environment, List<ConfigError> errors)
    {
        if (!text.Contains("${", StringComparison.Ordinal))
        {
            return text;
        }

        var lines = text.Split('\n');
        var sb = new StringBuilder(text.Length);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (!line.TrimStart().StartsWith('#'))
            {
                var lineNumber = i + 1;
                line = Pattern().Replace(line, m =>
                {
                    var name = m.Groups["name"].Value;
                    var value = environment(name);
                    if (!string.IsNullOrEmpty(value))
                    {
                        return value;
                    }

                    if (m.Groups["default"].Success)
                    {
                        return m.Groups["default"].Value;
                    }

                    errors.Add(new ConfigError("(document)", $"environment variable {name} is not set and ${{{name}}} has no default (write ${{{name}:-value}})", lineNumber));
                    return string.Empty;
                });
            }

            sb.Append(line);
            if (i < lines.Length - 1)
            {
                sb.Append('\n');
            }
        }

        return sb.ToString();
    }

    [GeneratedRegex(@"\$\{(?<name>[A-Za-z_][A-Za-z0-9_]*)(?::-(?<default>[^}]*))?\}")]
    private static partial Regex Pattern();
}
