using System.Text.RegularExpressions;

namespace SemanticRouter.Signals.Pii.Recognizers;

/// <summary>
/// Phone numbers: an optional +country code, digit groups split by spaces, dashes, dots or a parenthesised area
/// code, an optional extension; 7–15 digits (E.164). Grouped numbers need 8+ digits; an ungrouped run of digits
/// counts only with a phone word ("call", "tel", "mobile", …) nearby, so plain numbers are not phones.
/// </summary>
internal sealed partial class PhoneRecognizer() : RegexRecognizer(PiiTypes.Phone, Pattern())
{
    protected override bool IsValid(string text, int start, int length)
    {
        var value = text.AsSpan(start, length);
        var ext = value.IndexOfAny('x', 'X');
        var main = ext >= 0 ? value[..ext] : value;
        var digits = CountDigits(main);
        if (digits is < 7 or > 15)
        {
            return false;
        }

        var grouped = main.ContainsAny(" -.()") || main.StartsWith('+');
        if (grouped)
        {
            return digits >= 8 || HasContext(text, start, 30, PhoneWords);
        }

        return digits >= 10 && HasContext(text, start, 30, PhoneWords);
    }

    private static readonly string[] PhoneWords = ["phone", "call", "tel", "mobile", "cell", "fax", "reach", "contact", "number", "whatsapp", "text me", "dial"];

    [GeneratedRegex(@"(?<![\w+.-])(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?\d{1,5}(?:[ .-]\(?\d{1,5}\)?){0,5}(?:\s?(?:x|ext\.?)\s?\d{1,6})?(?![\w-]|\.\d)", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, 250)]
    private static partial Regex Pattern();
}
