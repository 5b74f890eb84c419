using SemanticRouter.Signals.Embedding;

namespace SemanticRouter.Signals.Tests;

[Collection(ShippedModelsCollection.Name)]
public sealed class EmbeddingAndLanguageTests(ShippedModels shipped)
{
    [Fact]
    public async Task Paraphrases_are_closer_than_unrelated_prompts()
    {
        var embedder = new LearnedTextEmbedder(shipped.Models);
        var a = await embedder.EmbedAsync("How do I reset my password?", CancellationToken.None);
        var b = await embedder.EmbedAsync("I forgot my password, how can I reset it?", CancellationToken.None);
        var c = await embedder.EmbedAsync("What is the capital of France?", CancellationToken.None);
        var near = System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(a, b);
        var far = System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(a, c);
        Assert.True(near > far + 0.2, $"paraphrase {near}, unrelated {far}");
        Assert.Equal(embedder.Dimension, a.Length);
        Assert.Equal(1.0, System.Numerics.Tensors.TensorPrimitives.Norm(a), 3);
        Assert.StartsWith("sentence-embedder@", embedder.ModelName, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Could you please tell me how the weather will be tomorrow in the city?", "en")]
    [InlineData("Können Sie mir bitte sagen, wie das Wetter morgen in der Stadt wird?", "de")]
    [InlineData("Pouvez-vous me dire quel temps il fera demain dans la ville ?", "fr")]
    [InlineData("¿Puede decirme qué tiempo hará mañana en la ciudad?", "es")]
    [InlineData("Potrebbe dirmi che tempo farà domani in città?", "it")]
    [InlineData("Você pode me dizer como estará o tempo amanhã na cidade?", "pt")]
    [InlineData("Не могли бы вы сказать, какая погода будет завтра в городе?", "ru")]
    [InlineData("请问明天城市里的天气怎么样？", "zh")]
    [InlineData("明日の町の天気はどうなりますか？", "ja")]
    [InlineData("내일 도시의 날씨가 어떨지 알려 주시겠습니까?", "ko")]
    [InlineData("هل يمكنك أن تخبرني كيف سيكون الطقس غدا في المدينة؟", "ar")]
    [InlineData("Kan du fortelle meg hvordan været blir i byen i morgen?", "no")]
    public void Language_identifier_names_the_language(string text, string code)
    {
        var ranking = shipped.Models.LanguageIdentifier.Identify(text);
        Assert.Equal(code, ranking[0].Language);
    }

    [Fact]
    public void Language_identifier_knows_at_least_twenty_languages() =>
        Assert.True(shipped.Models.LanguageIdentifier.Languages.Count >= 20);
}
