using System.Text.Json;

namespace SemanticRouter.Async.HaluGate;

/// <summary>
/// Offline audits of a JSONL file (one <c>{request_id?, context, question, answer, model?, decision?}</c>
/// per line; HaluEval's <c>user_query</c>/<c>chatgpt_response</c> names are accepted too) with a
/// summary of hallucination rates by model and decision. Lines that cannot be read are counted and
/// reported by line number, never skipped silently.
/// </summary>
public sealed class BatchAudit(HallucinationAuditor auditor)
{
    public const int MaxLineChars = 1024 * 1024;

    public static BatchAudit CreateDefault(double minConfidence = HallucinationAuditor.DefaultMinConfidence) =>
        new(new HallucinationAuditor(new LexicalGroundingDetector(), minConfidence));

    /// <summary>
    /// Audits with the ONNX detector that <paramref name="modelName"/> names in the models folder's manifest (checked
    /// as at router startup); dispose the returned detector after the run.
    /// </summary>
    public static async Task<(BatchAudit Audit, IDisposable Detector)> CreateWithModelAsync(string modelsDirectory, string modelName, double tokenThreshold, double minConfidence)
    {
        var detector = OnnxTokenSpanDetector.Load(modelName, await DetectorModelResolver.ResolveAsync(modelsDirectory, modelName).ConfigureAwait(false), tokenThreshold);
        return (new BatchAudit(new HallucinationAuditor(detector, minConfidence)), detector);
    }

    public async Task<BatchAuditSummary> RunAsync(TextReader input, Func<AuditResult, Task>? onResult, CancellationToken cancellationToken)
    {
        var summary = new BatchAuditSummary();
        var lineNumber = 0;
        while (await input.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            lineNumber++;
            if (line.Trim().Length == 0)
            {
                continue;
            }

            var message = Parse(line, lineNumber, out var error);
            if (message is null)
            {
                summary.Errors.Add($"line {lineNumber}: {error}");
                continue;
            }

            var result = await auditor.AuditAsync(message, cancellationToken).ConfigureAwait(false);
            summary.Add(result);
            if (onResult is not null)
            {
                await onResult(result).ConfigureAwait(false);
            }
        }

        return summary;
    }

    public static string Serialize(AuditResult result) => JsonSerializer.Serialize(result, AsyncJsonContext.Default.AuditResult);

    private static AuditMessage? Parse(string line, int lineNumber, out string? error)
    {
        error = null;
        if (line.Length > MaxLineChars)
        {
            error = $"longer than {MaxLineChars} characters";
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(line, new JsonDocumentOptions { MaxDepth = 16 });
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = "not a JSON object";
                return null;
            }

            var answer = Text(root, "answer", "response", "chatgpt_response");
            if (answer is null)
            {
                error = "no answer (answer | response | chatgpt_response)";
                return null;
            }

            var id = Text(root, "request_id", "id", "ID");
            return new AuditMessage
            {
                RequestId = id is not null && Identifiers.IsValid(id) ? id : "line-" + lineNumber.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Context = Text(root, "context", "knowledge", "document") ?? string.Empty,
                Question = Text(root, "question", "user_query", "query") ?? string.Empty,
                Answer = answer,
                Model = Text(root, "model"),
                Decision = Text(root, "decision"),
            };
        }
        catch (JsonException e)
        {
            error = "invalid JSON at byte " + (e.BytePositionInLine ?? 0);
            return null;
        }
    }

    private static string? Text(JsonElement root, params string[] names)
    {
        foreach (var name in names)
        {
            if (root.TryGetProperty(name, out var v))
            {
                switch (v.ValueKind)
                {
                    case JsonValueKind.String:
                        return v.GetString();
                    case JsonValueKind.Array:
                        return string.Join("\n\n", v.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()));
                    case JsonValueKind.Number:
                        return v.GetRawText();
                }
            }
        }

        return null;
    }
}

/// <summary>Counts of an offline audit run, overall and per (model, decision).</summary>
public sealed class BatchAuditSummary
{
    public int Audited { get; private set; }

    public int NeedsFactCheck { get; private set; }

    public int ContextMissing { get; private set; }

    public int Flagged { get; private set; }

    public List<string> Errors { get; } = [];

    public SortedDictionary<string, (int Audited, int Flagged)> ByModelDecision { get; } = new(StringComparer.Ordinal);

    public double Rate => NeedsFactCheck == 0 ? 0 : (double)Flagged / NeedsFactCheck;

    public void Add(AuditResult result)
    {
        Audited++;
        if (result.ContextMissing)
        {
            ContextMissing++;
        }

        if (!result.NeedsFactCheck)
        {
            return;
        }

        NeedsFactCheck++;
        var key = (result.Model ?? "-") + " / " + (result.Decision ?? "-");
        var (a, f) = ByModelDecision.GetValueOrDefault(key);
        ByModelDecision[key] = (a + 1, f + (result.HallucinationDetected ? 1 : 0));
        if (result.HallucinationDetected)
        {
            Flagged++;
        }
    }
}
