using System.Text.RegularExpressions;

namespace SemanticRouter.Signals.Pii.Recognizers;

/// <summary>RFC 5322-ish addresses with a dotted domain and an alphabetic top-level domain.</summary>
internal sealed partial class EmailRecognizer() : RegexRecognizer(PiiTypes.Email, Pattern())
{
    protected override bool IsValid(string text, int start, int length)
    {
        var value = text.AsSpan(start, length);
        var at = value.IndexOf('@');
        return at > 0 && !value[..at].StartsWith('.') && !value[..at].EndsWith('.') && !value.Contains("..", StringComparison.Ordinal);
    }

    [GeneratedRegex(@"(?<![\w.+-])[A-Za-z0-9._%+-]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,8}[A-Za-z]{2,24}(?![\w-])", RegexOptions.CultureInvariant, 250)]
    private static partial Regex Pattern();
}
