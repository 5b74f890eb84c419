using System.Text.Json;
using SemanticRouter.Inference.Models;
using SemanticRouter.Inference.OnnxRuntime;
using SemanticRouter.Inference.Tokenization;

namespace SemanticRouter.Async.HaluGate;

/// <summary>
/// A user-supplied LettuceDetect-style hallucination detector: an ONNX token classifier (Hugging Face export,
/// <c>…ForTokenClassification</c>) over the pair (context + question, answer) whose labels say, per answer token,
/// supported or hallucinated. Answer tokens whose hallucinated probability reaches the threshold are merged into
/// spans (consecutive tokens, widened to whole words) and mapped back to character ranges of the answer. The
/// lexical detector runs alongside only to explain: where it flags an overlapping claim, the span grows to that
/// whole claim (number and unit) and the explanation quotes what the context says instead ("the answer says 324 m;
/// the context says 330 m"). The model alone decides what is flagged.
/// </summary>
internal sealed class OnnxTokenSpanDetector : ISpanDetector, IDisposable
{
    private static readonly string[] KnownInputs = ["input_ids", "attention_mask", "token_type_ids"];

    private readonly OrtSession _session;
    private readonly string[] _inputs;
    private readonly string _output;
    private readonly int _labelCount;
    private readonly int _hallucinated;
    private readonly int _padId;
    private readonly double _threshold;
    private readonly TextPairWindows _windows;
    private readonly LexicalGroundingDetector _explainer = new();

    private OnnxTokenSpanDetector(string name, OrtSession session, string output, int labelCount, int hallucinated, int padId, TextPairWindows windows, double threshold)
    {
        Name = name;
        _session = session;
        _inputs = session.Inputs.Select(i => i.Name).ToArray();
        _output = output;
        _labelCount = labelCount;
        _hallucinated = hallucinated;
        _padId = padId;
        _windows = windows;
        _threshold = threshold;
    }

    public string Name { get; }

    /// <summary>Loads the detector from a model folder (config.json, tokenizer.json, model.onnx or onnx/model.onnx).</summary>
    public static OnnxTokenSpanDetector Load(string name, string folder, double threshold)
    {
        var onnx = OnnxModelFile.Require(folder);
        using var config = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder, "config.json")));
        var tokenizer = TokenizerLoader.Load(folder);
        var maxLength = tokenizer.MaxLength;
        if (config.RootElement.TryGetProperty("max_position_embeddings", out var positions) && positions.ValueKind == JsonValueKind.Number)
        {
            maxLength = Math.Min(maxLength, positions.GetInt32());
        }

        var session = OrtSession.Load(onnx);
        try
        {
            var unknown = session.Inputs.Select(i => i.Name).Where(n => !KnownInputs.Contains(n)).ToList();
            if (unknown.Count > 0 || !session.HasInput("input_ids"))
            {
                throw new NotSupportedException($"Detector '{name}' declares inputs [{string.Join(", ", session.Inputs.Select(i => i.Name))}]; "
                    + "a token classifier takes input_ids (required), attention_mask and token_type_ids.");
            }

            var output = session.HasOutput("logits") ? "logits" : session.Outputs[0].Name;
            var labels = Labels(config.RootElement);
            var classes = session.Outputs.First(o => o.Name == output).Shape.LastOrDefault(-1);
            if (classes > 0 && classes != labels.Count)
            {
                throw new InvalidDataException($"Detector '{name}': config.json id2label has {labels.Count} labels but the model outputs {classes}.");
            }

            return new OnnxTokenSpanDetector(name, session, output, labels.Count, HallucinatedIndex(name, labels), tokenizer.PadTokenId, new TextPairWindows(tokenizer, maxLength), threshold);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    public ValueTask<DetectorOutput> DetectAsync(string context, string question, string answer, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Detect(context, question, answer));
    }

    public DetectorOutput Detect(string context, string question, string answer)
    {
        var windows = _windows.Build(context, question, answer);
        var scored = new List<(TokenOffset Offset, float Probability)>();
        if (windows.Count > 0)
        {
            var logits = Run(windows);
            var length = windows.Max(w => w.Ids.Length);
            for (var r = 0; r < windows.Count; r++)
            {
                var w = windows[r];
                for (var i = 0; i < w.AnswerOffsets.Length; i++)
                {
                    var row = logits.AsSpan(((r * length) + w.AnswerStart + i) * _labelCount, _labelCount);
                    scored.Add((w.AnswerOffsets[i], Probability(row)));
                }
            }
        }

        var lexical = _explainer.Detect(context, question, answer);
        var spans = Merge(answer, scored).Select(s => Explain(answer, s, lexical.Spans)).ToList();
        return new DetectorOutput(spans, Math.Max(lexical.ClaimsChecked, spans.Count));
    }

    public void Dispose() => _session.Dispose();

    private float[] Run(IReadOnlyList<PairWindow> windows)
    {
        var rows = windows.Count;
        var length = windows.Max(w => w.Ids.Length);
        var shape = new long[] { rows, length };
        var inputs = new OrtInput[_inputs.Length];
        for (var k = 0; k < _inputs.Length; k++)
        {
            var data = new long[rows * length];
            for (var r = 0; r < rows; r++)
            {
                var w = windows[r];
                var row = data.AsSpan(r * length, length);
                switch (_inputs[k])
                {
                    case "input_ids":
                        w.Ids.CopyTo(row);
                        row[w.Ids.Length..].Fill(_padId);
                        break;
                    case "attention_mask":
                        row[..w.Ids.Length].Fill(1);
                        break;
                    default:
                        w.TypeIds.CopyTo(row);
                        break;
                }
            }

            inputs[k] = new OrtInput(_inputs[k], data, shape);
        }

        return _session.Run(inputs, [_output])[0].Data;
    }

    private float Probability(ReadOnlySpan<float> logits)
    {
        var max = float.NegativeInfinity;
        foreach (var v in logits)
        {
            max = Math.Max(max, v);
        }

        double sum = 0;
        foreach (var v in logits)
        {
            sum += Math.Exp(v - max);
        }

        return (float)(Math.Exp(logits[_hallucinated] - max) / sum);
    }

    /// <summary>Consecutive flagged tokens form one span; a span is widened to the whole words it touches.</summary>
    private List<(int Start, int End, double Confidence)> Merge(string answer, List<(TokenOffset Offset, float Probability)> scored)
    {
        var spans = new List<(int Start, int End, double Confidence)>();
        var i = 0;
        while (i < scored.Count)
        {
            if (scored[i].Probability < _threshold)
            {
                i++;
                continue;
            }

            var first = i;
            double sum = 0;
            while (i < scored.Count && scored[i].Probability >= _threshold)
            {
                sum += scored[i].Probability;
                i++;
            }

            var start = scored[first].Offset.Start;
            var end = scored[i - 1].Offset.End;
            while (start > 0 && char.IsLetterOrDigit(answer[start - 1]))
            {
                start--;
            }

            while (end < answer.Length && char.IsLetterOrDigit(answer[end]))
            {
                end++;
            }

            var confidence = sum / (i - first);
            if (spans.Count > 0 && spans[^1].End >= start)
            {
                // Widening can make two spans meet inside one word.
                var last = spans[^1];
                spans[^1] = (last.Start, Math.Max(last.End, end), Math.Max(last.Confidence, confidence));
            }
            else
            {
                spans.Add((start, end, confidence));
            }
        }

        return spans;
    }

    private static DetectedSpan Explain(string answer, (int Start, int End, double Confidence) span, IReadOnlyList<DetectedSpan> lexical)
    {
        var claim = lexical.FirstOrDefault(l => l.Start < span.End && span.Start < l.End);
        if (claim is null)
        {
            return new DetectedSpan(span.Start, span.End, answer[span.Start..span.End], "token", span.Confidence);
        }

        // The claim the model hit, whole (a number with its unit), so the explanation compares like with like.
        var start = Math.Min(span.Start, claim.Start);
        var end = Math.Max(span.End, claim.End);
        return new DetectedSpan(start, end, answer[start..end], claim.Kind, span.Confidence, claim.Counterpart, claim.Evidence);
    }

    private static List<string> Labels(JsonElement config)
    {
        if (!config.TryGetProperty("id2label", out var map) || map.ValueKind != JsonValueKind.Object)
        {
            return ["LABEL_0", "LABEL_1"];
        }

        var labels = new SortedDictionary<int, string>();
        foreach (var entry in map.EnumerateObject())
        {
            if (int.TryParse(entry.Name, out var id) && id >= 0 && id < 64)
            {
                labels[id] = entry.Value.GetString() ?? "LABEL_" + id;
            }
        }

        return Enumerable.Range(0, labels.Count == 0 ? 2 : labels.Keys.Max() + 1).Select(i => labels.GetValueOrDefault(i, "LABEL_" + i)).ToList();
    }

    /// <summary>The label containing "halluc"; a two-label model without such a name uses LettuceDetect's convention, 1 = hallucinated.</summary>
    private static int HallucinatedIndex(string name, List<string> labels)
    {
        var index = labels.FindIndex(l => l.Contains("halluc", StringComparison.OrdinalIgnoreCase));
        if (index >= 0)
        {
            return index;
        }

        return labels.Count == 2
            ? 1
            : throw new InvalidDataException($"Detector '{name}': no id2label entry names the hallucinated class (labels: {string.Join(", ", labels)}).");
    }
}
