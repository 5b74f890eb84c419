namespace SemanticRouter.Signals.Pii;

/// <summary>
/// Canonical PII type names (Presidio's where they exist) and the aliases configs may use, e.g. the anchor's
/// token-classifier labels GPE and DOMAIN_NAME, or short forms like EMAIL.
/// </summary>
public static class PiiTypes
{
    public const string Person = "PERSON";
    public const string Location = "LOCATION";
    public const string Organization = "ORGANIZATION";
    public const string StreetAddress = "STREET_ADDRESS";
    public const string Email = "EMAIL_ADDRESS";
    public const string Phone = "PHONE_NUMBER";
    public const string CreditCard = "CREDIT_CARD";
    public const string UsSsn = "US_SSN";
    public const string Iban = "IBAN_CODE";
    public const string IpAddress = "IP_ADDRESS";
    public const string Url = "URL";
    public const string Crypto = "CRYPTO";
    public const string DateOfBirth = "DATE_OF_BIRTH";

    public static readonly IReadOnlyList<string> All =
        [Person, Location, Organization, StreetAddress, Email, Phone, CreditCard, UsSsn, Iban, IpAddress, Url, Crypto, DateOfBirth];

    private static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["GPE"] = Location,
        ["LOC"] = Location,
        ["ORG"] = Organization,
        ["PER"] = Person,
        ["ADDRESS"] = StreetAddress,
        ["EMAIL"] = Email,
        ["PHONE"] = Phone,
        ["IBAN"] = Iban,
        ["SSN"] = UsSsn,
        ["IP"] = IpAddress,
        ["DOMAIN_NAME"] = Url,
        ["CRYPTO_WALLET"] = Crypto,
        ["DOB"] = DateOfBirth,
    };

    /// <summary>The canonical name, or null for an unknown type. B-/I- prefixes are stripped as in the anchor's policy matcher.</summary>
    public static string? Canonical(string name)
    {
        var n = name.Trim();
        if (n.Length > 2 && n[1] == '-' && n[0] is 'B' or 'I' or 'b' or 'i')
        {
            n = n[2..];
        }

        if (Aliases.TryGetValue(n, out var alias))
        {
            return alias;
        }

        var upper = n.ToUpperInvariant();
        return All.Contains(upper) ? upper : null;
    }
}
