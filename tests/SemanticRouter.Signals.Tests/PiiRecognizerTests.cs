using SemanticRouter.Signals.Pii;

namespace SemanticRouter.Signals.Tests;

/// <summary>The structured recognizers alone (no model): exact spans, and checksum failures rejected.</summary>
public sealed class PiiRecognizerTests
{
    private static readonly PiiDetector RecognizersOnly = new(model: null);

    [Theory]
    [InlineData("Write to john.doe@example.com today.", "john.doe@example.com", PiiTypes.Email)]
    [InlineData("My card is 4111 1111 1111 1111, expiry 12/29.", "4111 1111 1111 1111", PiiTypes.CreditCard)]
    [InlineData("Card number 378282246310005 please.", "378282246310005", PiiTypes.CreditCard)]
    [InlineData("SSN: 123-45-6789.", "123-45-6789", PiiTypes.UsSsn)]
    [InlineData("Send it to GB82 WEST 1234 5698 7654 32 by Friday.", "GB82 WEST 1234 5698 7654 32", PiiTypes.Iban)]
    [InlineData("IBAN DE89370400440532013000 is mine.", "DE89370400440532013000", PiiTypes.Iban)]
    [InlineData("The server at 192.168.10.20 is down.", "192.168.10.20", PiiTypes.IpAddress)]
    [InlineData("Reach 2001:0db8:85a3:0000:0000:8a2e:0370:7334 over v6.", "2001:0db8:85a3:0000:0000:8a2e:0370:7334", PiiTypes.IpAddress)]
    [InlineData("See https://contoso.example.org/path?q=1.", "https://contoso.example.org/path?q=1", PiiTypes.Url)]
    [InlineData("Visit www.TruckInsider.uy for more.", "www.TruckInsider.uy", PiiTypes.Url)]
    [InlineData("Call me at +1 (415) 555-0132 tonight.", "+1 (415) 555-0132", PiiTypes.Phone)]
    [InlineData("My number is 079 2718 1155.", "079 2718 1155", PiiTypes.Phone)]
    [InlineData("Donate to 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2 thanks.", "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", PiiTypes.Crypto)]
    [InlineData("Wallet bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4 ok.", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", PiiTypes.Crypto)]
    [InlineData("ETH 0x742d35Cc6634C0532925a3b844Bc454e4438f44e here.", "0x742d35Cc6634C0532925a3b844Bc454e4438f44e", PiiTypes.Crypto)]
    [InlineData("I was born on 12/05/1990 in a small town.", "12/05/1990", PiiTypes.DateOfBirth)]
    [InlineData("Date of birth: March 3rd, 1985.", "March 3rd, 1985", PiiTypes.DateOfBirth)]
    public async Task Finds_the_exact_span(string text, string value, string type)
    {
        var found = await RecognizersOnly.DetectAsync(text, 0.5, CancellationToken.None);
        var entity = Assert.Single(found);
        Assert.Equal(type, entity.Type);
        Assert.Equal(text.IndexOf(value, StringComparison.Ordinal), entity.Start);
        Assert.Equal(value, text[entity.Start..entity.End]);
    }

    [Theory]
    [InlineData("My card is 4111 1111 1111 1112.", PiiTypes.CreditCard)] // Luhn fails
    [InlineData("Send it to GB82 WEST 1234 5698 7654 33.", PiiTypes.Iban)] // mod-97 fails
    [InlineData("SSN: 000-45-6789 and 666-12-3456 and 923-45-6789.", PiiTypes.UsSsn)] // never issued
    [InlineData("The meeting is on 12/05/2030 at noon.", PiiTypes.DateOfBirth)] // a date, but not a birth date
    [InlineData("Donate to 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3 thanks.", PiiTypes.Crypto)] // base58check fails
    public async Task Rejects_checksum_and_range_failures(string text, string type)
    {
        var found = await RecognizersOnly.DetectAsync(text, 0.5, CancellationToken.None);
        Assert.DoesNotContain(found, e => e.Type == type);
    }

    [Theory]
    [InlineData("Version 1.2.3 was released; see report.pdf for details.")] // not an IP, not a domain
    [InlineData("The answer is 42 and the year was 1999; 3.14159 is pi.")]
    [InlineData("The order id 1234567890 shipped.")] // digits without phone context
    [InlineData("Reference 123-45-678 and code 12 34 56 78 in the manual.")] // short groups without a phone word
    public async Task Ordinary_numbers_are_not_pii(string text)
    {
        var found = await RecognizersOnly.DetectAsync(text, 0.5, CancellationToken.None);
        Assert.Empty(found);
    }

    [Fact]
    public async Task Overlaps_resolve_to_the_validated_type()
    {
        // An SSN also looks like a phone number; the SSN recognizer has priority.
        var found = await RecognizersOnly.DetectAsync("ssn 123-45-6789", 0.5, CancellationToken.None);
        Assert.Equal(PiiTypes.UsSsn, Assert.Single(found).Type);
    }

    [Theory]
    [InlineData("GPE", PiiTypes.Location)]
    [InlineData("B-PERSON", PiiTypes.Person)]
    [InlineData("email", PiiTypes.Email)]
    [InlineData("DOMAIN_NAME", PiiTypes.Url)]
    [InlineData("nonsense", null)]
    public void Type_names_and_aliases_are_canonicalised(string name, string? expected) =>
        Assert.Equal(expected, PiiTypes.Canonical(name));
}
