using System.Text.RegularExpressions;

namespace SemanticRouter.Signals.Pii.Recognizers;

/// <summary>
/// US social security numbers AAA-GG-SSSS (dashes, spaces or dots), excluding numbers the SSA never issues: area 000,
/// 666 or 900–999, group 00, serial 0000. Nine bare digits only count with "ssn"/"social security" nearby.
/// </summary>
internal sealed partial class UsSsnRecognizer() : RegexRecognizer(PiiTypes.UsSsn, Pattern())
{
    protected override bool IsValid(string text, int start, int length)
    {
        Span<char> d = stackalloc char[9];
        var n = 0;
        foreach (var c in text.AsSpan(start, length))
        {
            if (char.IsAsciiDigit(c))
            {
                d[n++] = c;
            }
        }

        var area = int.Parse(d[..3]);
        var group = int.Parse(d.Slice(3, 2));
        var serial = int.Parse(d.Slice(5, 4));
        if (area is 0 or 666 || area >= 900 || group == 0 || serial == 0)
        {
            return false;
        }

        var separated = length > 9;
        return separated || HasContext(text, start, 40, "ssn", "social security", "social-security");
    }

    [GeneratedRegex(@"(?<![\w-])(?:\d{3}([- .])\d{2}\1\d{4}|\d{9})(?![\w-])", RegexOptions.CultureInvariant, 250)]
    private static partial Regex Pattern();
}
