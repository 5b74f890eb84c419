namespace SemanticRouter.Signals.Models;

/// <summary>
/// Where the learned signals find their model folders. Each folder is a standard Hugging Face / Optimum export
/// (model.onnx or onnx/model.onnx, tokenizer.json, config.json), so a stronger exported model can replace a default.
/// </summary>
public sealed record LearnedModelOptions
{
    /// <summary>Environment variable that overrides <see cref="ModelsDirectory"/>.</summary>
    public const string EnvironmentVariable = "SEMANTIC_ROUTER_MODELS";

    /// <summary>The models directory; null finds the repository's <c>models/</c> (or one next to the app).</summary>
    public string? ModelsDirectory { get; init; }

    /// <summary>Shared sentence classifier with <c>domain</c> and <c>jailbreak</c> heads.</summary>
    public string PromptClassifier { get; init; } = "prompt-classifier";

    /// <summary>PERSON / LOCATION / ORGANIZATION / STREET_ADDRESS token classifier.</summary>
    public string PiiTokenClassifier { get; init; } = "pii-ner";

    /// <summary>Sentence embedder for embedding, complexity and the semantic cache.</summary>
    public string SentenceEmbedder { get; init; } = "sentence-embedder";

    /// <summary>Character n-gram language profiles (<c>profiles.json</c>).</summary>
    public string LanguageIdentifier { get; init; } = "language-id";

    /// <summary>Resolves the models directory: explicit, then the environment variable, then <c>models/</c> next to the app or above it.</summary>
    public string ResolveModelsDirectory()
    {
        if (!string.IsNullOrWhiteSpace(ModelsDirectory))
        {
            return Path.GetFullPath(ModelsDirectory);
        }

        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } fromEnvironment)
        {
            return Path.GetFullPath(fromEnvironment);
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "models");
            if (Directory.Exists(Path.Combine(candidate, PromptClassifier)))
            {
                return candidate;
            }
        }

        return Path.Combine(AppContext.BaseDirectory, "models");
    }
}
