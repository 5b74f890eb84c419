using System.Text.RegularExpressions;

namespace SemanticRouter.Signals.Pii.Recognizers;

/// <summary>IBANs (country code, check digits, BBAN; compact or printed in groups of four) with a valid ISO 13616 mod-97 checksum.</summary>
internal sealed partial class IbanRecognizer() : RegexRecognizer(PiiTypes.Iban, Pattern())
{
    protected override bool IsValid(string text, int start, int length)
    {
        Span<char> compact = stackalloc char[34];
        var n = 0;
        foreach (var c in text.AsSpan(start, length))
        {
            if (c == ' ')
            {
                continue;
            }

            if (n == 34)
            {
                return false;
            }

            compact[n++] = char.ToUpperInvariant(c);
        }

        return n >= 15 && Mod97(compact[..n]) == 1;
    }

    /// <summary>Moves the first four characters to the end, maps letters to 10–35 and reduces mod 97 digit by digit.</summary>
    internal static int Mod97(ReadOnlySpan<char> iban)
    {
        var remainder = 0;
        for (var k = 0; k < iban.Length; k++)
        {
            var c = iban[(k + 4) % iban.Length];
            if (char.IsAsciiDigit(c))
            {
                remainder = ((remainder * 10) + (c - '0')) % 97;
            }
            else if (char.IsAsciiLetterUpper(c))
            {
                remainder = ((remainder * 100) + (c - 'A' + 10)) % 97;
            }
            else
            {
                return -1;
            }
        }

        return remainder;
    }

    [GeneratedRegex(@"(?<![\w])[A-Za-z]{2}\d{2}(?:[A-Za-z0-9]{11,30}|(?: [A-Za-z0-9]{4}){2,7}(?: [A-Za-z0-9]{1,3})?)(?![\w])", RegexOptions.CultureInvariant, 250)]
    private static partial Regex Pattern();
}
