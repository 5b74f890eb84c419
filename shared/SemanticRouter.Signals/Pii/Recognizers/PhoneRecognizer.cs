using System.Text.RegularExpressions;

namespace SemanticRouter.Signals.Pii.Recognizers;

/// <summary>
/// Phone numbers: an optional +country code, digit groups split by spaces, dashes, dots or a parenthesised area
/// code, an optional extension; 7–15 digits (E.164). Grouped numbers count from 10 digits, or from 8 with a + / area
/// code or a phone word ("call", "tel", "mobile", …) nearby; an ungrouped run needs 10+ digits and a phone word.
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

        if (SsnShape().IsMatch(main))
        {
            return false; // AAA-GG-SSSS is the SSN layout, never a phone layout
        }

        var international = main.StartsWith('+') || main.Contains('(');
        var grouped = main.ContainsAny(" -.");
        if (international || grouped)
        {
            // Short grouped numbers (8–9 digits) look like many other codes; they need a +/area code or a phone word.
            return digits >= 10 || ((international || digits >= 8) && HasContext(text, start, 30, PhoneWords)) || (international && digits >= 8);
        }

        return digits >= 10 && HasContext(text, start, 30, PhoneWords);
    }

    private static readonly string[] PhoneWords = ["phone", "call", "tel", "mobile", "cell", "fax", "reach", "contact", "number", "whatsapp", "text me", "dial"];

    [GeneratedRegex(@"(?<![\w+.-])(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?\d{1,5}(?:[ .-]\(?\d{1,5}\)?){0,5}(?:\s?(?:x|ext\.?)\s?\d{1,6})?(?![\w-]|\.\d)", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, 250)]
    private static partial Regex Pattern();

    [GeneratedRegex(@"^\d{3}-\d{2}-\d{4}$", RegexOptions.CultureInvariant, 250)]
    private static partial Regex SsnShape();
}
