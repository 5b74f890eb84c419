using System.Globalization;
using System.Text.RegularExpressions;

namespace SemanticRouter.Signals.Pii.Recognizers;

/// <summary>
/// Dates of birth: a real calendar date (numeric d/m/y, y-m-d, or with a month name) in the past, and only when
/// birth context ("born", "date of birth", "DOB", "birthday") precedes it; other dates are not PII.
/// </summary>
internal sealed partial class DateOfBirthRecognizer() : RegexRecognizer(PiiTypes.DateOfBirth, Pattern())
{
    private static readonly string[] Formats =
    [
        "M/d/yyyy", "d/M/yyyy", "M-d-yyyy", "d-M-yyyy", "yyyy-M-d", "yyyy/M/d", "M/d/yy", "d/M/yy",
        "MMMM d yyyy", "MMM d yyyy", "d MMMM yyyy", "d MMM yyyy", "MMMM d, yyyy", "MMM d, yyyy",
    ];

    protected override double Score => 0.95;

    protected override bool IsValid(string text, int start, int length)
    {
        if (!HasContext(text, start, 40, "born", "birth", "dob", "d.o.b", "birthday"))
        {
            return false;
        }

        var value = Ordinal().Replace(text.Substring(start, length), "$1")
            .Replace(". ", " ", StringComparison.Ordinal).Replace('.', '/');
        return DateTime.TryParseExact(value, Formats, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out var date)
            && date < DateTime.UtcNow && date.Year > 1880;
    }

    [GeneratedRegex(@"(?<![\w/.-])(?:\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})|\d{4}[/-]\d{1,2}[/-]\d{1,2}|(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:tember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.? \d{1,2}(?:st|nd|rd|th)?,? \d{4}|\d{1,2}(?:st|nd|rd|th)? (?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:tember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?) \d{4})(?![\w/-])", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, 250)]
    private static partial Regex Pattern();

    [GeneratedRegex(@"(\d)(?:st|nd|rd|th)", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, 250)]
    private static partial Regex Ordinal();
}
