using SemanticRouter.Signals.Pii.Recognizers;

namespace SemanticRouter.Signals.Pii;

/// <summary>The structured-type recognizers, in priority order (earlier wins when spans overlap with equal score).</summary>
internal static class PiiRecognizers
{
    public static IReadOnlyList<IPiiRecognizer> All { get; } =
    [
        new EmailRecognizer(),
        new UrlRecognizer(),
        new IbanRecognizer(),
        new CreditCardRecognizer(),
        new UsSsnRecognizer(),
        new CryptoWalletRecognizer(),
        new IpAddressRecognizer(),
        new DateOfBirthRecognizer(),
        new PhoneRecognizer(),
    ];
}
