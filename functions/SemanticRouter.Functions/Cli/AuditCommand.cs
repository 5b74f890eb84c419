using System.CommandLine;
using System.Globalization;
using SemanticRouter.Async.HaluGate;

namespace SemanticRouter.Functions.Cli;

/// <summary>
/// <c>audit --input FILE.jsonl [--output RESULTS.jsonl] [--min-confidence 0.6]</c>: HaluGate audits
/// offline with the default detector (or <c>--detector-model NAME</c>, an ONNX detector from the models manifest), then a summary (hallucination rate by model/decision).
/// Exit 0 when every line was audited, 1 when some lines could not be read.
/// </summary>
internal static class AuditCommand
{
    public static Command Create()
    {
        var input = new Option<FileInfo>("--input") { Description = "JSONL: {request_id?, context, question, answer, model?, decision?} per line.", Required = true };
        var output = new Option<FileInfo?>("--output") { Description = "Write one audit result (JSON) per line here." };
        var minConfidence = new Option<double>("--min-confidence") { Description = "Drop spans below this confidence (0..1).", DefaultValueFactory = _ => HallucinationAuditor.DefaultMinConfidence };
        var detectorModel = new Option<string?>("--detector-model") { Description = "Audit with this ONNX detector from the models manifest (as HALUGATE_DETECTOR_MODEL) instead of the lexical default." };
        var models = new Option<DirectoryInfo?>("--models") { Description = "Models folder holding manifest.json (default: the one the router uses)." };
        var command = new Command("audit", "Run HaluGate hallucination audits over a JSONL file and summarise them.") { input, output, minConfidence, detectorModel, models };
        command.SetAction(async (parseResult, ct) =>
        {
            var file = parseResult.GetValue(input)!;
            var stdout = parseResult.InvocationConfiguration.Output;
            if (!file.Exists)
            {
                await parseResult.InvocationConfiguration.Error.WriteLineAsync($"{file.FullName}: file not found");
                return 2;
            }

            var threshold = parseResult.GetValue(minConfidence);
            if (threshold is < 0 or > 1)
            {
                await parseResult.InvocationConfiguration.Error.WriteLineAsync("--min-confidence must be between 0 and 1");
                return 2;
            }

            var outFile = parseResult.GetValue(output);
            await using var writer = outFile is null ? null : new StreamWriter(outFile.FullName);
            using var reader = new StreamReader(file.FullName);
            BatchAudit audit;
            IDisposable? detector = null;
            if (parseResult.GetValue(detectorModel) is { Length: > 0 } modelName)
            {
                var folder = parseResult.GetValue(models)?.FullName ?? new SemanticRouter.Signals.Models.LearnedModelOptions().ResolveModelsDirectory();
                try
                {
                    (audit, detector) = await BatchAudit.CreateWithModelAsync(folder, modelName, tokenThreshold: 0.5, threshold);
                }
                catch (InvalidOperationException e)
                {
                    await parseResult.InvocationConfiguration.Error.WriteLineAsync(e.Message.Replace(Async.AsyncSettings.DetectorModelSetting, "--detector-model", StringComparison.Ordinal));
                    return 2;
                }
            }
            else
            {
                audit = BatchAudit.CreateDefault(threshold);
            }

            BatchAuditSummary summary;
            using (detector)
            {
                summary = await audit.RunAsync(reader, writer is null ? null : r => writer.WriteLineAsync(BatchAudit.Serialize(r)), ct);
            }

            var inv = CultureInfo.InvariantCulture;
            await stdout.WriteLineAsync(string.Create(inv, $"audited {summary.Audited}, needs fact-check {summary.NeedsFactCheck}, context missing {summary.ContextMissing}, flagged {summary.Flagged}, hallucination rate {summary.Rate:P1}"));
            await stdout.WriteLineAsync("model / decision: flagged / checked (rate)");
            foreach (var (key, (audited, flagged)) in summary.ByModelDecision)
            {
                await stdout.WriteLineAsync(string.Create(inv, $"  {key}: {flagged} / {audited} ({(audited == 0 ? 0 : (double)flagged / audited):P1})"));
            }

            foreach (var error in summary.Errors.Take(20))
            {
                await parseResult.InvocationConfiguration.Error.WriteLineAsync(error);
            }

            if (summary.Errors.Count > 20)
            {
                await parseResult.InvocationConfiguration.Error.WriteLineAsync($"… and {summary.Errors.Count - 20} more unreadable line(s)");
            }

            return summary.Errors.Count == 0 ? 0 : 1;
        });
        return command;
    }
}
