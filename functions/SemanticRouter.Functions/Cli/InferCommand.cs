using System.CommandLine;
using System.Text.Json;
using SemanticRouter.Inference.Models;
using SemanticRouter.Inference.OnnxRuntime;
using SemanticRouter.Inference.Tokenization;

namespace SemanticRouter.Functions.Cli;

/// <summary>
/// <c>infer --model DIR (--text T | --input FILE) [--kind K]</c>: runs a model folder on each input line and prints
/// one JSON line per input: label and scores, entity spans, an embedding, or every head of a multi-head model.
/// </summary>
internal static class InferCommand
{
    public static Command Create()
    {
        var model = new Option<DirectoryInfo>("--model") { Description = "Model folder (model.onnx or onnx/model.onnx, tokenizer.json, config.json).", Required = true };
        var text = new Option<string?>("--text") { Description = "One text to run." };
        var input = new Option<FileInfo?>("--input") { Description = "A file with one text per line." };
        var kind = new Option<ModelKind?>("--kind") { Description = "SequenceClassifier, TokenClassifier, SentenceEmbedder or MultiHeadClassifier (default: from config.json)." };
        var command = new Command("infer", "Run a classifier, token classifier, embedder or multi-head model on text; prints JSON lines.") { model, text, input, kind };
        command.SetAction(parseResult =>
        {
            var error = parseResult.InvocationConfiguration.Error;
            var lines = CliInputs.ReadLines(parseResult.GetValue(text), parseResult.GetValue(input), error);
            if (lines is null)
            {
                return 2;
            }

            var folder = parseResult.GetValue(model)!.FullName;
            var output = parseResult.InvocationConfiguration.Output;
            try
            {
                var modelKind = parseResult.GetValue(kind) ?? ModelLoader.DetectKind(folder);
                using var loaded = ModelLoader.Load(folder, modelKind);
                foreach (var line in lines)
                {
                    output.WriteLine(Run(loaded, line));
                }

                return 0;
            }
            catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException or OrtException or InputTooLongException or UnauthorizedAccessException)
            {
                error.WriteLine(e.Message);
                return 1;
            }
        });
        return command;
    }

    private static string Run(IDisposable model, string line) => model switch
    {
        SequenceClassifier c => JsonSerializer.Serialize(Describe(c.Classify(line))),
        TokenClassifier t => JsonSerializer.Serialize(new
        {
            entities = t.Extract(line).Select(s => new { label = s.Label, start = s.Start, end = s.End, score = s.Score, text = line[s.Start..s.End] }),
        }),
        SentenceEmbedder e => JsonSerializer.Serialize(new { dimension = e.Dimension, embedding = e.Embed(line) }),
        MultiHeadClassifier m => JsonSerializer.Serialize(new { heads = m.Classify(line).ToDictionary(h => h.Key, h => Describe(h.Value)) }),
        _ => throw new NotSupportedException(model.GetType().Name),
    };

    private static object Describe(ClassificationResult r) =>
        new { label = r.Label, score = r.Score, scores = r.Scores.ToDictionary(s => s.Label, s => s.Score) };
}
