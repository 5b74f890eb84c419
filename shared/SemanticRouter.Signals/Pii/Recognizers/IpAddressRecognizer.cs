using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace SemanticRouter.Signals.Pii.Recognizers;

/// <summary>IPv4 dotted quads (each octet ≤ 255) and IPv6 addresses that <see cref="IPAddress.TryParse(string, out IPAddress)"/> accepts.</summary>
internal sealed partial class IpAddressRecognizer() : RegexRecognizer(PiiTypes.IpAddress, Pattern())
{
    protected override bool IsValid(string text, int start, int length)
    {
        var value = text.AsSpan(start, length);
        if (!IPAddress.TryParse(value, out var ip))
        {
            return false;
        }

        // "1.2" style shorthand parses too; require the full dotted form for IPv4 and two colons for IPv6.
        return ip.AddressFamily == AddressFamily.InterNetwork ? value.Count('.') == 3 : value.Count(':') >= 2;
    }

    [GeneratedRegex(@"(?<![\w.:])(?:(?:\d{1,3}\.){3}\d{1,3}|(?:[0-9A-Fa-f]{1,4}:){2,7}(?::|[0-9A-Fa-f]{1,4})|::(?:[0-9A-Fa-f]{1,4}:){0,6}[0-9A-Fa-f]{1,4})(?![\w.:])", RegexOptions.CultureInvariant, 250)]
    private static partial Regex Pattern();
}
