using System.Text.Json;
using SemanticRouter.Signals.Pii;

namespace SemanticRouter.Signals.Tests;

[Collection(ShippedModelsCollection.Name)]
public sealed class PiiModelTests(ShippedModels shipped)
{
    [Fact]
    public async Task Token_classifier_finds_a_person_and_recognizers_the_email()
    {
        const string text = "My name is John Smith and I work in Seattle. Write to john.smith@contoso.com.";
        var found = await shipped.Models.PiiDetector.DetectAsync(text, PiiSignalKind.DefaultThreshold, CancellationToken.None);
        var person = Assert.Single(found, e => e.Type == PiiTypes.Person);
        Assert.Equal("John Smith", text[person.Start..person.End]);
        var email = Assert.Single(found, e => e.Type == PiiTypes.Email);
        Assert.Equal("john.smith@contoso.com", text[email.Start..email.End]);
        Assert.Equal("email_address", email.Source);
    }

    [Fact]
    public async Task Token_classifier_matches_the_pytorch_reference_spans()
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(ShippedModels.Directory, "reports", "pii-ner.reference.json")));
        var text = doc.RootElement.GetProperty("text").GetString()!;
        var expected = doc.RootElement.GetProperty("spans").EnumerateArray()
            .Select(s => (Start: s[0].GetInt32(), End: s[1].GetInt32(), Type: s[2].GetString()!)).ToList();
        var spans = await shipped.Models.PiiTokenClassifier.ExtractAsync(text);
        Assert.Equal(expected, spans.Select(s => (s.Start, s.End, s.Label)).ToList());
    }

    [Fact]
    public async Task Plain_questions_have_no_pii()
    {
        var found = await shipped.Models.PiiDetector.DetectAsync("What is the boiling point of water at sea level?", PiiSignalKind.DefaultThreshold, CancellationToken.None);
        Assert.Empty(found);
    }
}
