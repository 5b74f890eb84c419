namespace SemanticRouter.Async.Feedback;

/// <summary>The anchor's user-feedback classes, accepted as the optional <c>category</c> of a rating.</summary>
public static class FeedbackCategories
{
    public const string Satisfied = "satisfied";
    public const string NeedClarification = "need_clarification";
    public const string WrongAnswer = "wrong_answer";
    public const string WantDifferent = "want_different";

    public static readonly IReadOnlyList<string> All = [Satisfied, NeedClarification, WrongAnswer, WantDifferent];
}
