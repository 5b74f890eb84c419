using SemanticRouter.Core.Config;
using SemanticRouter.Signals.Complexity;
using SemanticRouter.Signals.Domain;
using SemanticRouter.Signals.Embedding;
using SemanticRouter.Signals.Jailbreak;
using SemanticRouter.Signals.Language;
using SemanticRouter.Signals.Models;
using SemanticRouter.Signals.Pii;

namespace SemanticRouter.Signals;

/// <summary>Registers the learned signal kinds and the pii / jailbreak plugins.</summary>
public static class LearnedSignalsExtensions
{
    /// <summary>
    /// <paramref name="models"/> is called only when an evaluator or plugin is created (serving), never while binding
    /// config, so <c>validate</c> works without models or services.
    /// </summary>
    public static RouterExtensions AddLearnedSignals(this RouterExtensions extensions, Func<LearnedModels> models) => extensions
        .Add(new DomainSignalKind(models))
        .Add(new JailbreakSignalKind(models))
        .Add(new PiiSignalKind(models))
        .Add(new EmbeddingSignalKind(models))
        .Add(new ComplexitySignalKind(models))
        .Add(new LanguageSignalKind(models))
        .Add(new PiiPolicyPlugin.Factory(models))
        .Add(new JailbreakGuardPlugin.Factory());
}
