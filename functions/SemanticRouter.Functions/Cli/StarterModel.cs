namespace SemanticRouter.Functions.Cli;

/// <summary>One backend model of the starter config, as given on the <c>init</c> command line.</summary>
/// <param name="Name">The model's name in the config (<c>small</c> or <c>large</c>); also the prefix of its flags.</param>
/// <param name="Url">OpenAI-compatible base URL of its backend.</param>
/// <param name="ModelId">The model id the backend serves (<c>provider_model_id</c>).</param>
/// <param name="KeyEnv">Name of the environment variable with its API key; null when the backend needs none.</param>
internal sealed record StarterModel(string Name, string Url, string ModelId, string? KeyEnv);
