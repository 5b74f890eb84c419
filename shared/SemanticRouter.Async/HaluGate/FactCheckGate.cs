using System.Text.RegularExpressions;

namespace SemanticRouter.Async.HaluGate;

/// <summary>
/// Stage 1: does this answer need fact-checking? Yes when it makes checkable claims (quantities,
/// dates, names) and the request is not creative writing, where invented details are the point.
/// </summary>
internal static partial class FactCheckGate
{
    [GeneratedRegex(@"\b(write|compose|create|make up|invent)\b.{0,40}\b(poem|story|song|haiku|limerick|joke|lyrics|fiction|tale|script|fable)\b|\bimagine\b|\bbrainstorm\b|\bpretend\b|\brole-?play\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CreativePattern();

    public static (bool Needed, string Reason) Evaluate(string question, string answer, int claims)
    {
        if (answer.Trim().Length == 0)
        {
            return (false, "empty answer");
        }

        if (question.Length > 0 && CreativePattern().IsMatch(question.Length > 2000 ? question[..2000] : question))
        {
            return (false, "creative request");
        }

        return claims == 0 ? (false, "no checkable claims") : (true, $"{claims} checkable claim(s)");
    }
}
