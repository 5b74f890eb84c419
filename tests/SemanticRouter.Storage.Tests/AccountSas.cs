using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace SemanticRouter.Storage.Tests;

/// <summary>
/// Builds an account SAS the way the service defines it (version 2020-12-06 and later), so tests
/// can check that SAS connection strings work against Azurite, which verifies the signature.
/// </summary>
internal static class AccountSas
{
    public static string Create(string accountName, string accountKey, string services, string permissions, DateTimeOffset expiry)
    {
        const string version = "2025-01-05";
        const string resourceTypes = "sco";
        var se = expiry.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        var stringToSign = string.Join('\n', accountName, permissions, services, resourceTypes, string.Empty, se, string.Empty, string.Empty, version, string.Empty, string.Empty);
        var sig = Convert.ToBase64String(HMACSHA256.HashData(Convert.FromBase64String(accountKey), Encoding.UTF8.GetBytes(stringToSign)));
        return $"sv={version}&ss={services}&srt={resourceTypes}&sp={permissions}&se={Uri.EscapeDataString(se)}&sig={Uri.EscapeDataString(sig)}";
    }
}
