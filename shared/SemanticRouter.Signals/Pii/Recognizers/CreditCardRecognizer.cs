using System.Text.RegularExpressions;

namespace SemanticRouter.Signals.Pii.Recognizers;

/// <summary>13–19 digit card numbers (optionally grouped by spaces or dashes) with a known issuer prefix and a valid Luhn checksum.</summary>
internal sealed partial class CreditCardRecognizer() : RegexRecognizer(PiiTypes.CreditCard, Pattern())
{
    protected override bool IsValid(string text, int start, int length)
    {
        Span<int> digits = stackalloc int[19];
        var n = 0;
        foreach (var c in text.AsSpan(start, length))
        {
            if (char.IsAsciiDigit(c))
            {
                if (n == 19)
                {
                    return false;
                }

                digits[n++] = c - '0';
            }
        }

        return n >= 13 && digits[0] is 2 or 3 or 4 or 5 or 6 && Luhn(digits[..n]);
    }

    internal static bool Luhn(ReadOnlySpan<int> digits)
    {
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var d = digits[digits.Length - 1 - i];
            if (i % 2 == 1)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
        }

        return sum % 10 == 0;
    }

    [GeneratedRegex(@"(?<![\w-])\d(?:[ -]?\d){12,18}(?![\w-])", RegexOptions.CultureInvariant, 250)]
    private static partial Regex Pattern();
}
