namespace SemanticRouter.Core.Signals;

/// <summary>Evaluates all referenced rules of one signal kind against a request.</summary>
public interface ISignalEvaluator
{
    string Type { get; }

    /// <summary>One result per referenced leaf name (matched or not), so explain can show every score.</summary>
    ValueTask<IReadOnlyList<SignalMatch>> EvaluateAsync(SignalContext context, CancellationToken cancellationToken);
}
