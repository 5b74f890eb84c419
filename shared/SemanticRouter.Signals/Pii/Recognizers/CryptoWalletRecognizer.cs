using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace SemanticRouter.Signals.Pii.Recognizers;

/// <summary>
/// Cryptocurrency wallet addresses: Bitcoin base58check (1…/3…, double-SHA256 checksum), Bitcoin bech32/bech32m
/// (bc1…, BCH-code checksum) and Ethereum (0x + 40 hex digits; no checksum exists for single-case ones).
/// </summary>
internal sealed partial class CryptoWalletRecognizer() : RegexRecognizer(PiiTypes.Crypto, Pattern())
{
    private const string Base58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    private const string Bech32Charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

    protected override bool IsValid(string text, int start, int length)
    {
        var value = text.Substring(start, length);
        if (value.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            return value.Length == 42;
        }

        return value.StartsWith("bc1", StringComparison.OrdinalIgnoreCase) ? Bech32(value) : Base58Check(value);
    }

    internal static bool Base58Check(string value)
    {
        var number = System.Numerics.BigInteger.Zero;
        foreach (var c in value)
        {
            var digit = Base58.IndexOf(c, StringComparison.Ordinal);
            if (digit < 0)
            {
                return false;
            }

            number = (number * 58) + digit;
        }

        var bytes = number.ToByteArray(isUnsigned: true, isBigEndian: true);
        var leadingZeros = value.TakeWhile(c => c == '1').Count();
        var decoded = new byte[leadingZeros + bytes.Length];
        bytes.CopyTo(decoded, leadingZeros);
        if (decoded.Length != 25)
        {
            return false;
        }

        var hash = SHA256.HashData(SHA256.HashData(decoded.AsSpan(0, 21)));
        return hash.AsSpan(0, 4).SequenceEqual(decoded.AsSpan(21, 4));
    }

    internal static bool Bech32(string value)
    {
        var lower = value.ToLowerInvariant();
        if (lower != value && value.ToUpperInvariant() != value)
        {
            return false;
        }

        var separator = lower.LastIndexOf('1');
        if (separator < 1 || lower.Length - separator < 7)
        {
            return false;
        }

        var hrp = lower[..separator];
        var values = new List<int>();
        foreach (var c in hrp)
        {
            values.Add(c >> 5);
        }

        values.Add(0);
        foreach (var c in hrp)
        {
            values.Add(c & 31);
        }

        foreach (var c in lower[(separator + 1)..])
        {
            var v = Bech32Charset.IndexOf(c, StringComparison.Ordinal);
            if (v < 0)
            {
                return false;
            }

            values.Add(v);
        }

        var check = Polymod(values);
        return check is 1 or 0x2bc830a3; // bech32 (BIP-173) or bech32m (BIP-350)
    }

    private static uint Polymod(List<int> values)
    {
        uint[] generator = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
        uint chk = 1;
        foreach (var v in values)
        {
            var top = chk >> 25;
            chk = ((chk & 0x1ffffff) << 5) ^ (uint)v;
            for (var i = 0; i < 5; i++)
            {
                if (((top >> i) & 1) != 0)
                {
                    chk ^= generator[i];
                }
            }
        }

        return chk;
    }

    [GeneratedRegex(@"(?<![\w])(?:[13][1-9A-HJ-NP-Za-km-z]{25,34}|(?:bc1|BC1)[02-9ac-hj-np-zAC-HJ-NP-Z]{11,87}|0x[0-9a-fA-F]{40})(?![\w])", RegexOptions.CultureInvariant, 250)]
    private static partial Regex Pattern();
}
