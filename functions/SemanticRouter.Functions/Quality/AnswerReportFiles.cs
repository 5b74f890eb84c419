using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace SemanticRouter.Functions.Quality;

/// <summary>Writes an <see cref="AnswerReport"/> as <c>curve.json</c>, <c>curve.csv</c> and <c>curve.png</c>, and as a text summary.</summary>
internal static class AnswerReportFiles
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static IReadOnlyList<string> Write(AnswerReport report, string directory, string title)
    {
        Directory.CreateDirectory(directory);
        var json = Path.Combine(directory, "curve.json");
        var csv = Path.Combine(directory, "curve.csv");
        var png = Path.Combine(directory, "curve.png");
        File.WriteAllText(json, JsonSerializer.Serialize(report, Json));
        File.WriteAllText(csv, Csv(report));
        File.WriteAllBytes(png, CurvePlot.Render(report, title));
        return [json, csv, png];
    }

    public static string Csv(AnswerReport report)
    {
        var sb = new StringBuilder("series,tolerance,strong_share,quality,pgr,mean_cost\n");
        void Row(string series, CurvePoint p) =>
            sb.Append(CultureInfo.InvariantCulture, $"{series},{F(p.Tolerance)},{F(p.StrongShare)},{F(p.Quality)},{F(p.Pgr)},{F(p.MeanCost)}\n");
        foreach (var p in report.Curve)
        {
            Row("router", p);
        }

        Row("configured", report.Configured);
        Row("oracle", report.Oracle);
        Row("always_strong", new CurvePoint(double.NaN, 1, report.StrongQuality, 1, report.StrongCost));
        Row("always_weak", new CurvePoint(double.NaN, 0, report.WeakQuality, 0, report.WeakCost));
        return sb.ToString();
    }

    public static string Summary(AnswerReport r)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"prompts: {r.Prompts}; strong: {r.StrongModel} (quality {r.StrongQuality:0.0000}); weak: {r.WeakModel} (quality {r.WeakQuality:0.0000})");
        sb.AppendLine(CultureInfo.InvariantCulture, $"router: APGR {M(r.Router.Apgr)}  CPT(50%) {M(r.Router.Cpt50)}  CPT(80%) {M(r.Router.Cpt80)}  (bootstrap 95% intervals, {r.BootstrapSamples} samples, seed {r.Seed})");
        sb.AppendLine("random: APGR 0.500  CPT(50%) 0.500  CPT(80%) 0.800");
        sb.AppendLine(CultureInfo.InvariantCulture, $"oracle: strong share {r.Oracle.StrongShare:0.000}, quality {r.Oracle.Quality:0.0000} (PGR {r.Oracle.Pgr:0.000})");
        sb.AppendLine(CultureInfo.InvariantCulture, $"configured tolerance {F(r.Configured.Tolerance)}: strong share {r.Configured.StrongShare:0.000}, quality {r.Configured.Quality:0.0000} (PGR {r.Configured.Pgr:0.000}), mean cost {r.Configured.MeanCost:0.####} vs {r.StrongCost:0.####} always-strong ({r.CostUnit})");
        return sb.ToString();
    }

    private static string M(Metric m) =>
        $"{N(m.Value)} [{N(m.Low)}, {N(m.High)}]";

    private static string N(double? v) => v is null ? "not reached" : v.Value.ToString("0.000", CultureInfo.InvariantCulture);

    private static string F(double v) => double.IsNaN(v) ? string.Empty : v.ToString("0.######", CultureInfo.InvariantCulture);
}
