using System.Globalization;

namespace SemanticRouter.Functions.Quality;

/// <summary>
/// The cost/quality plot RouteLLM draws: quality against the share of calls to the strong model, for the router's
/// curve, random routing, the oracle, the two single-model baselines and the configured operating point.
/// </summary>
internal static class CurvePlot
{
    private static readonly Rgb Ink = new(40, 40, 40);
    private static readonly Rgb Grid = new(225, 225, 225);
    private static readonly Rgb RouterColour = new(31, 119, 180);
    private static readonly Rgb RandomColour = new(150, 150, 150);
    private static readonly Rgb StrongColour = new(214, 39, 40);
    private static readonly Rgb WeakColour = new(90, 90, 90);
    private static readonly Rgb OracleColour = new(44, 160, 44);
    private static readonly Rgb ConfiguredColour = new(255, 127, 14);

    public static byte[] Render(AnswerReport report, string title)
    {
        const int width = 900, height = 560, left = 80, right = 30, top = 50, bottom = 60;
        var canvas = new PngCanvas(width, height);
        var plotWidth = width - left - right;
        var plotHeight = height - top - bottom;

        var qualities = report.Curve.Select(p => p.Quality).Append(report.StrongQuality).Append(report.WeakQuality).Append(report.Oracle.Quality).ToList();
        var step = 0.02;
        var yMin = Math.Floor((qualities.Min() - 0.01) / step) * step;
        var yMax = Math.Ceiling((qualities.Max() + 0.01) / step) * step;
        while ((yMax - yMin) / step > 12)
        {
            step *= 2;
        }

        double X(double share) => left + (share * plotWidth);
        double Y(double quality) => top + plotHeight - ((quality - yMin) / (yMax - yMin) * plotHeight);

        for (var tick = 0; tick <= 10; tick++)
        {
            var x = X(tick / 10.0);
            canvas.Line(x, top, x, top + plotHeight, Grid);
            var label = (tick * 10).ToString(CultureInfo.InvariantCulture) + "%";
            canvas.Text((int)x - (PngCanvas.TextWidth(label) / 2), top + plotHeight + 8, label, Ink);
        }

        for (var q = yMin; q <= yMax + 1e-9; q += step)
        {
            var y = Y(q);
            canvas.Line(left, y, left + plotWidth, y, Grid);
            var label = q.ToString("0.00", CultureInfo.InvariantCulture);
            canvas.Text(left - PngCanvas.TextWidth(label) - 8, (int)y - (PixelFont.Height / 2), label, Ink);
        }

        canvas.Line(left, top, left, top + plotHeight, Ink);
        canvas.Line(left, top + plotHeight, left + plotWidth, top + plotHeight, Ink);
        canvas.Text((width - PngCanvas.TextWidth(title)) / 2, 18, title, Ink);
        const string xLabel = "calls to the strong model";
        canvas.Text(left + ((plotWidth - PngCanvas.TextWidth(xLabel)) / 2), height - 26, xLabel, Ink);
        const string yLabel = "quality (mean score)";
        canvas.Text(16, top + ((plotHeight + PngCanvas.TextWidth(yLabel)) / 2), yLabel, Ink, vertical: true);

        canvas.Line(X(0), Y(report.StrongQuality), X(1), Y(report.StrongQuality), StrongColour, 1.5, dash: 6);
        canvas.Line(X(0), Y(report.WeakQuality), X(1), Y(report.WeakQuality), WeakColour, 1.5, dash: 6);
        canvas.Line(X(0), Y(report.WeakQuality), X(1), Y(report.StrongQuality), RandomColour, 1.5, dash: 3);
        canvas.Line(X(0), Y(report.WeakQuality), X(report.Oracle.StrongShare), Y(report.Oracle.Quality), OracleColour, 1.5);
        canvas.Line(X(report.Oracle.StrongShare), Y(report.Oracle.Quality), X(1), Y(report.Oracle.Quality), OracleColour, 1.5);
        canvas.Dot(X(report.Oracle.StrongShare), Y(report.Oracle.Quality), 4, OracleColour);

        var path = CurveMetrics.Path(report.Curve.Select(p => (p.StrongShare, p.Quality)).ToList());
        for (var i = 1; i < path.Count; i++)
        {
            canvas.Line(X(path[i - 1].Share), Y(path[i - 1].Pgr), X(path[i].Share), Y(path[i].Pgr), RouterColour, 2.5);
        }

        foreach (var (share, quality) in path)
        {
            canvas.Dot(X(share), Y(quality), 3.5, RouterColour);
        }

        canvas.Dot(X(report.Configured.StrongShare), Y(report.Configured.Quality), 6, ConfiguredColour);

        var legend = new (string Label, Rgb Colour)[]
        {
            ("router (tolerance sweep)", RouterColour),
            ("configured tolerance", ConfiguredColour),
            ("oracle", OracleColour),
            ("random", RandomColour),
            ($"always {report.StrongModel}", StrongColour),
            ($"always {report.WeakModel}", WeakColour),
        };
        var boxWidth = legend.Max(l => PngCanvas.TextWidth(l.Label)) + 44;
        var boxX = left + plotWidth - boxWidth - 12;
        var boxY = top + plotHeight - (legend.Length * 18) - 20;
        canvas.FillRect(boxX, boxY, boxWidth, (legend.Length * 18) + 10, new Rgb(250, 250, 250));
        for (var i = 0; i < legend.Length; i++)
        {
            var y = boxY + 12 + (i * 18);
            canvas.Line(boxX + 8, y, boxX + 28, y, legend[i].Colour, 2.5);
            canvas.Text(boxX + 36, y - (PixelFont.Height / 2), legend[i].Label, Ink);
        }

        return canvas.EncodePng();
    }
}
