using System.Text.Json;
using System.Text.Json.Nodes;

namespace SemanticRouter.Functions.Quality;

/// <summary>
/// An answer matrix: per prompt, how well each model answered it. JSONL lines
/// <c>{"prompt": "...", "scores": {"model-a": 1, "model-b": false}, "tokens": {"model-a": 420}}</c>: a score is a number
/// from 0 to 1 (or a boolean: correct or not); <c>tokens</c> (optional) is what the answer cost in tokens, so the
/// cost of a call is the model's price per 1M tokens times its tokens (without it every call counts one token).
/// </summary>
internal sealed record AnswerMatrix(IReadOnlyList<AnswerRow> Rows, IReadOnlyList<string> Models)
{
    /// <summary>Rows read at most (the whole matrix is held in memory).</summary>
    public const int MaxRows = 200_000;

    /// <summary>Characters of a prompt at most (longer prompts are a format error, not a truncation).</summary>
    public const int MaxPromptChars = 100_000;

    public static AnswerMatrix Read(string path)
    {
        var rows = new List<AnswerRow>();
        var models = new List<string>();
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            if (rows.Count == MaxRows)
            {
                throw new FormatException($"{path}: more than {MaxRows} rows");
            }

            try
            {
                var row = Parse(line);
                foreach (var model in row.Scores.Keys)
                {
                    if (!models.Contains(model))
                    {
                        models.Add(model);
                    }
                }

                rows.Add(row);
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
            {
                throw new FormatException($"{path}:{number}: {e.Message}", e);
            }
        }

        foreach (var (row, index) in rows.Select((r, i) => (r, i)))
        {
            var missing = models.FirstOrDefault(m => !row.Scores.ContainsKey(m));
            if (missing is not null)
            {
                throw new FormatException($"{path}: row {index + 1} has no score for model \"{missing}\" (every row scores every model)");
            }
        }

        return new AnswerMatrix(rows, models);
    }

    internal static AnswerRow Parse(string line)
    {
        var node = JsonNode.Parse(line)?.AsObject() ?? throw new FormatException("not an object");
        var prompt = node["prompt"]?.GetValue<string>() ?? throw new FormatException("\"prompt\" is required");
        if (prompt.Length > MaxPromptChars)
        {
            throw new FormatException($"the prompt is longer than {MaxPromptChars} characters");
        }

        var scoresNode = node["scores"] as JsonObject ?? throw new FormatException("\"scores\" is required: {\"model\": 0..1 or true/false}");
        if (scoresNode.Count == 0)
        {
            throw new FormatException("\"scores\" is empty");
        }

        var scores = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (model, value) in scoresNode)
        {
            var score = value?.GetValueKind() switch
            {
                JsonValueKind.True => 1.0,
                JsonValueKind.False => 0.0,
                JsonValueKind.Number => value.GetValue<double>(),
                _ => throw new FormatException($"scores.{model} must be a number from 0 to 1 or a boolean"),
            };
            if (score is < 0 or > 1 || double.IsNaN(score))
            {
                throw new FormatException($"scores.{model} must be between 0 and 1, got {score}");
            }

            scores[model] = score;
        }

        Dictionary<string, double>? tokens = null;
        if (node["tokens"] is JsonObject tokensNode)
        {
            tokens = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var (model, value) in tokensNode)
            {
                var n = value?.GetValueKind() == JsonValueKind.Number ? value.GetValue<double>() : -1;
                if (n < 0 || double.IsNaN(n))
                {
                    throw new FormatException($"tokens.{model} must be a non-negative number");
                }

                tokens[model] = n;
            }
        }

        return new AnswerRow(prompt, scores, tokens);
    }
}

/// <summary>One prompt of an answer matrix: each model's score for its answer, and optionally the answer's tokens.</summary>
internal sealed record AnswerRow(string Prompt, IReadOnlyDictionary<string, double> Scores, IReadOnlyDictionary<string, double>? Tokens)
{
    /// <summary>Tokens of the model's answer; 1 when the matrix gives none, so cost compares prices per call.</summary>
    public double TokensOf(string model) => Tokens is not null && Tokens.TryGetValue(model, out var n) ? n : 1;
}
