using System.Security.Cryptography;
using System.Text;

namespace SemanticRouter.Functions.Operations.Auth;

/// <summary>SHA-256 of a key's UTF-8 bytes, the only form in which keys are kept or compared.</summary>
internal static class ApiKeyHash
{
    public static byte[] Of(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    public static string Hex(string key) => Convert.ToHexStringLower(Of(key));

    public static bool TryParseHex(string? hex, out byte[] hash)
    {
        hash = [];
        if (hex is null || hex.Length != 64)
        {
            return false;
        }

        try
        {
            hash = Convert.FromHexString(hex);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
