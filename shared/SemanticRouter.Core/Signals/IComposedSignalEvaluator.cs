namespace SemanticRouter.Core.Signals;

/// <summary>
/// An evaluator whose rules have a <c>composer</c>: after every evaluator has run (concurrently), it sees all
/// results and returns its own results gated by its composers. Composer conditions never reference composed
/// signals (the loader rejects that), so one pass suffices and the order does not matter.
/// </summary>
public interface IComposedSignalEvaluator : ISignalEvaluator
{
    IReadOnlyList<SignalMatch> Compose(IReadOnlyList<SignalMatch> own, SignalResults all);
}
