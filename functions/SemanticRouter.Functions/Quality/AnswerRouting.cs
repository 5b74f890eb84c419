using System.Text;
using System.Text.Json.Nodes;
using SemanticRouter.Core.Pipeline;
using SemanticRouter.Core.Selection;

namespace SemanticRouter.Functions.Quality;

/// <summary>Routes every prompt of an answer matrix with the explain dry run (signals and decision; no plugin, no backend).</summary>
internal static class AnswerRouting
{
    public static async Task<RoutingPlan[]> PlansAsync(RouterPipeline pipeline, AnswerMatrix matrix, int concurrency, CancellationToken cancellationToken)
    {
        var model = pipeline.Snapshots.Current.Config.Global.Router.AutoModelNames.FirstOrDefault() ?? "MoM";
        var plans = new RoutingPlan[matrix.Rows.Count];
        await Parallel.ForAsync(0, plans.Length, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            var context = await pipeline.ExplainAsync(Request(model, matrix.Rows[i].Prompt), ct).ConfigureAwait(false);
            plans[i] = context.SelectionDetail is CostQualityChoice choice
                ? new RoutingPlan(
                    choice.Candidates.Select(c => c.Model).ToArray(),
                    choice.Candidates.Select(c => c.Score ?? double.NaN).ToArray(),
                    choice.Candidates.Select(c => c.PricePer1M ?? double.PositiveInfinity).ToArray(),
                    choice.QualityTolerance)
                : RoutingPlan.Fixed(context.SelectedModel?.Name ?? throw new FormatException($"row {i + 1}: the config routes it to no model"));
        }).ConfigureAwait(false);
        return plans;
    }

    public static RouterRequest Request(string model, string prompt)
    {
        var body = new JsonObject
        {
            ["model"] = model,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = prompt }),
        };
        return new RouterRequest(Encoding.UTF8.GetBytes(body.ToJsonString()), new Dictionary<string, string>());
    }
}
