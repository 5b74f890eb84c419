using System.Globalization;
using System.Text;

namespace SemanticRouter.Functions.Operations.Metrics;

/// <summary>
/// Prometheus text exposition format 0.0.4: metric and label name rules, label value escaping and
/// number formatting (https://prometheus.io/docs/instrumenting/exposition_formats/).
/// </summary>
internal static class PrometheusText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>Maps an instrument name onto <c>[a-zA-Z_:][a-zA-Z0-9_:]*</c> (dots and dashes become underscores).</summary>
    public static string MetricName(string name) => Sanitize(name, allowColon: true);

    public static string LabelName(string name) => Sanitize(name, allowColon: false);

    public static void AppendLabelValue(StringBuilder sb, string value)
    {
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\':
                    sb.Append("\\\\");
                    break;
                case '"':
                    sb.Append("\\\"");
                    break;
                case '\n':
                    sb.Append("\\n");
                    break;
                default:
                    sb.Append(c);
                    break;
            }
        }
    }

    /// <summary>HELP text escapes only backslash and line feed.</summary>
    public static string EscapeHelp(string help) => help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    public static string Number(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private static string Sanitize(string name, bool allowColon)
    {
        if (name.Length == 0)
        {
            return "_";
        }

        var chars = name.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            var c = chars[i];
            var ok = char.IsAsciiLetter(c) || c == '_' || (allowColon && c == ':') || (i > 0 && char.IsAsciiDigit(c));
            if (!ok)
            {
                chars[i] = '_';
            }
        }

        return new string(chars);
    }
}
