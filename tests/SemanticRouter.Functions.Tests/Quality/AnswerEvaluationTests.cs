using SemanticRouter.Functions.Quality;

namespace SemanticRouter.Functions.Tests.Quality;

/// <summary>
/// The cost/quality metrics on a made-up matrix whose answers are worked out by hand. Two categories of four prompts,
/// strong costs 10, weak 1. A: strong right on 3 (0.75), weak on 1 (0.25); B: strong 4 (1.0), weak 3 (0.75). Overall
/// strong 0.875, weak 0.5. With those category scores the router sends B to weak from tolerance 0.25 and A from 0.5:
/// operating points (share, PGR) = (1, 1), (0.5, 2/3), (0, 0).
/// </summary>
public sealed class AnswerEvaluationTests
{
    private static readonly (string Category, double Strong, double Weak)[] Answers =
    [
        ("A", 1, 0), ("A", 1, 0), ("A", 1, 1), ("A", 0, 0),
        ("B", 1, 1), ("B", 1, 1), ("B", 1, 0), ("B", 1, 1),
    ];

    private static readonly Dictionary<string, double> Prices = new() { ["strong"] = 10, ["weak"] = 1 };

    private static AnswerMatrix Matrix() => new(
        Answers.Select((a, i) => new AnswerRow($"prompt {i}", new Dictionary<string, double> { ["strong"] = a.Strong, ["weak"] = a.Weak }, null)).ToList(),
        ["strong", "weak"]);

    private static RoutingPlan[] Plans(double tolerance) => Answers
        .Select(a => new RoutingPlan(["strong", "weak"], a.Category == "A" ? [0.75, 0.25] : [1.0, 0.75], [10, 1], tolerance))
        .ToArray();

    [Fact]
    public void A_sweep_with_more_breakpoints_than_the_cap_keeps_evenly_spaced_ones_with_both_ends()
    {
        var breakpoints = Enumerable.Range(0, 1000).Select(i => i / 1000.0).ToList();

        var kept = AnswerEvaluation.Thin(breakpoints);

        Assert.Equal(AnswerEvaluation.MaxOperatingPoints, kept.Count);
        Assert.Equal(0, kept[0]);
        Assert.Equal(0.999, kept[^1]);
        Assert.Equal(kept.Order(), kept);
        var few = new List<double> { 0, 0.5, 1 };
        Assert.Same(few, AnswerEvaluation.Thin(few));
    }

    [Fact]
    public void The_curve_apgr_and_cpt_match_the_hand_computed_values()
    {
        var report = AnswerEvaluation.Evaluate(Matrix(), Plans(0.3), Prices, bootstrap: 0, seed: 1);

        Assert.Equal(("strong", "weak"), (report.StrongModel, report.WeakModel));
        Assert.Equal(0.875, report.StrongQuality, 12);
        Assert.Equal(0.5, report.WeakQuality, 12);
        Assert.Equal([(0.0, 0.0), (0.5, 2.0 / 3), (1.0, 1.0)], report.Curve.Select(p => (Math.Round(p.StrongShare, 12), Math.Round(p.Pgr, 12))).ToArray().Select(p => (p.Item1, Math.Round(p.Item2, 9))).ToArray(), new PointComparer());
        Assert.Equal((0.5 * (2.0 / 3) / 2) + (0.5 * ((2.0 / 3) + 1) / 2), report.Router.Apgr.Value!.Value, 12);
        Assert.Equal(0.375, report.Router.Cpt50.Value!.Value, 12);
        Assert.Equal(0.7, report.Router.Cpt80.Value!.Value, 12);
        Assert.Equal((0.5, 0.5, 0.8), (report.Random.Apgr.Value!.Value, report.Random.Cpt50.Value!.Value, report.Random.Cpt80.Value!.Value));
    }

    [Fact]
    public void The_oracle_takes_the_strong_model_only_where_the_weak_one_fails_and_the_strong_one_does_not()
    {
        var report = AnswerEvaluation.Evaluate(Matrix(), Plans(0.3), Prices, 0, 1);

        Assert.Equal(3.0 / 8, report.Oracle.StrongShare, 12);
        Assert.Equal(0.875, report.Oracle.Quality, 12);
        Assert.Equal(1.0, report.Oracle.Pgr, 12);
    }

    [Fact]
    public void The_configured_tolerance_is_reported_as_its_operating_point_with_its_cost()
    {
        var report = AnswerEvaluation.Evaluate(Matrix(), Plans(0.3), Prices, 0, 1);

        Assert.Equal(0.3, report.Configured.Tolerance);
        Assert.Equal(0.5, report.Configured.StrongShare, 12);
        Assert.Equal(0.75, report.Configured.Quality, 12);
        Assert.Equal((10 + 1) / 2.0, report.Configured.MeanCost, 12); // no tokens: the mean price per 1M tokens
        Assert.Equal((10.0, 1.0), (report.StrongCost, report.WeakCost));
    }

    [Fact]
    public void Bootstrap_intervals_hold_the_estimate_and_repeat_with_the_seed()
    {
        var matrix = new AnswerMatrix(Enumerable.Range(0, 25).SelectMany(_ => Matrix().Rows).ToList(), ["strong", "weak"]);
        var plans = Enumerable.Range(0, 25).SelectMany(_ => Plans(0.3)).ToList();

        var a = AnswerEvaluation.Evaluate(matrix, plans, Prices, 300, 7);
        var b = AnswerEvaluation.Evaluate(matrix, plans, Prices, 300, 7);

        Assert.Equal(300, a.BootstrapSamples);
        foreach (var m in new[] { a.Router.Apgr, a.Router.Cpt50, a.Router.Cpt80 })
        {
            Assert.True(m.Low <= m.Value && m.Value <= m.High && m.Low < m.High, $"{m}");
        }

        Assert.Equal(a.Router, b.Router);
    }

    [Fact]
    public void A_cheaper_model_that_scores_better_is_chosen_at_tolerance_zero_and_the_sweep_still_reaches_all_strong()
    {
        var plans = Answers.Select(a => new RoutingPlan(["strong", "weak"], a.Category == "A" ? [0.75, 0.25] : [0.7, 0.75], [10, 1], 0)).ToArray();

        var report = AnswerEvaluation.Evaluate(Matrix(), plans, Prices, 0, 1);

        Assert.Equal(0.5, report.Configured.StrongShare, 12);
        Assert.Equal(1.0, report.Curve.Max(p => p.StrongShare));
        Assert.Equal(0.0, report.Curve.Min(p => p.StrongShare));
    }

    [Fact]
    public void Cpt_is_null_when_the_curve_never_reaches_the_target()
    {
        var path = CurveMetrics.Path([(0, 0), (0.5, 0.3), (1, 0.6)]);
        Assert.Null(CurveMetrics.Cpt(path, 0.8));
        Assert.Equal(0.5 + (0.5 * (0.2 / 0.3)), CurveMetrics.Cpt(path, 0.5)!.Value, 12);
    }

    [Fact]
    public void A_matrix_where_the_cheapest_model_is_also_the_best_is_refused()
    {
        var rows = new List<AnswerRow> { new("p", new Dictionary<string, double> { ["strong"] = 0, ["weak"] = 1 }, null) };
        var e = Assert.Throws<FormatException>(() => AnswerEvaluation.Evaluate(new AnswerMatrix(rows, ["strong", "weak"]), [RoutingPlan.Fixed("strong")], Prices, 0, 1));
        Assert.Contains("no quality gap", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Matrix_lines_take_booleans_or_scores_and_report_bad_ones_with_their_line()
    {
        var file = Path.GetTempFileName();
        File.WriteAllLines(file,
        [
            """{"prompt": "a", "scores": {"strong": true, "weak": 0.25}, "tokens": {"strong": 100, "weak": 80}}""",
            """{"prompt": "b", "scores": {"strong": 1.5, "weak": 0}}""",
        ]);
        try
        {
            var e = Assert.Throws<FormatException>(() => AnswerMatrix.Read(file));
            Assert.Contains(":2:", e.Message, StringComparison.Ordinal);
            var row = AnswerMatrix.Parse("""{"prompt": "a", "scores": {"strong": true, "weak": 0.25}, "tokens": {"strong": 100}}""");
            Assert.Equal((1.0, 0.25, 100.0, 1.0), (row.Scores["strong"], row.Scores["weak"], row.TokensOf("strong"), row.TokensOf("weak")));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Report_files_are_json_csv_and_a_png_image()
    {
        var report = AnswerEvaluation.Evaluate(Matrix(), Plans(0.3), Prices, 50, 1);
        var dir = Path.Combine(Path.GetTempPath(), "sr-curve-" + Guid.NewGuid().ToString("N"));
        try
        {
            var files = AnswerReportFiles.Write(report, dir, "made-up matrix");

            var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(files[0]))!;
            Assert.Equal(0.375, json["router"]!["cpt50"]!["value"]!.GetValue<double>(), 9);
            var csv = File.ReadAllLines(files[1]);
            Assert.Equal("series,tolerance,strong_share,quality,pgr,mean_cost", csv[0]);
            Assert.Contains("router,0.25,0.5,0.75,0.666667,5.5", csv);
            Assert.Contains("always_strong,,1,0.875,1,10", csv);
            var png = File.ReadAllBytes(files[2]);
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
            Assert.Equal(900, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private sealed class PointComparer : IEqualityComparer<(double, double)>
    {
        public bool Equals((double, double) x, (double, double) y) => Math.Abs(x.Item1 - y.Item1) < 1e-9 && Math.Abs(x.Item2 - y.Item2) < 1e-9;

        public int GetHashCode((double, double) obj) => 0;
    }
}
