using SemanticRouter.Cache.Keys;

namespace SemanticRouter.Cache.Tests;

/// <summary>The content-word guard and the entity guard on their own: which question pairs may share an answer.</summary>
public sealed class NearMissGuardTests
{
    [Theory]
    [InlineData("How do I boil an egg?", "how can I boil eggs")]
    [InlineData("What is the capital of France?", "Can you tell me the capital of France, please?")]
    [InlineData("How do I delete a branch in git?", "How do I remove a branch in git?")]
    [InlineData("Where are the logs stored?", "Where are logs saved")]
    [InlineData("How do I reset my password", "How do I reset my password quickly?")]
    [InlineData("Why is it not working?", "Why isn't it working?")]
    public void Rewordings_that_keep_the_content_words_are_allowed(string cached, string asked)
    {
        Assert.True(NearMissGuard.Allows(NearMissGuard.Terms(cached), NearMissGuard.Terms(asked)));
        Assert.Equal(SalientTokens.Signature(cached), SalientTokens.Signature(asked));
    }

    [Theory]
    [InlineData("How do I boil an egg?", "How do I boil a potato?")]
    [InlineData("How do I reset my password?", "How do I reset my router?")]
    [InlineData("Can dogs eat grapes?", "Can cats eat grapes?")]
    [InlineData("How do I convert miles to kilometers?", "How do I convert kilometers to miles?")]
    [InlineData("Is a horse bigger than a dog?", "Is a dog bigger than a horse?")]
    [InlineData("Serve the egg after you boil the egg", "Serve the egg after you boil the potato")]

    // The price of the swap rule: a two-word reordering is refused even when it means the same.
    [InlineData("How do I delete a branch in git?", "How do I delete a git branch?")]
    public void Substituted_or_swapped_content_words_are_refused(string cached, string asked) =>
        Assert.False(NearMissGuard.Allows(NearMissGuard.Terms(cached), NearMissGuard.Terms(asked)));

    [Theory]
    [InlineData("Is it safe to eat raw eggs?", "Is it not safe to eat raw eggs?")]
    [InlineData("Is it safe to eat raw eggs?", "Isn't it safe to eat raw eggs?")]
    [InlineData("What is two plus three?", "What is two plus four?")]
    [InlineData("What was the GDP of Germany in 2023?", "What was the GDP of Germany in 2024?")]
    [InlineData("Is Paris bigger than London?", "Is London bigger than Paris?")]
    public void Negations_numbers_and_names_differ_in_the_entity_signature(string cached, string asked) =>
        Assert.NotEqual(SalientTokens.Signature(cached), SalientTokens.Signature(asked));

    [Fact]
    public void Negation_spellings_share_one_token()
    {
        Assert.Equal(SalientTokens.Signature("Why is it not working?"), SalientTokens.Signature("Why isn't it working?"));
        Assert.Equal(SalientTokens.Signature("I cannot log in"), SalientTokens.Signature("I can't log in"));
        Assert.Equal(SalientTokens.Signature("How do I log in?"), SalientTokens.Signature("how do i log in"));
    }

    [Fact]
    public void Terms_are_hashes_not_words_and_bounded()
    {
        var terms = NearMissGuard.Terms("How do I boil an egg?");
        Assert.DoesNotContain("egg", terms, StringComparison.Ordinal);
        Assert.Matches("^[0-9a-f]{8}( [0-9a-f]{8})*$", terms);

        var huge = NearMissGuard.Terms(string.Join(' ', Enumerable.Range(0, 5000).Select(i => "word" + (char)('a' + (i % 26)) + (char)('a' + (i / 26 % 26)))));
        Assert.Equal(NearMissGuard.MaxTerms, huge.Split(' ').Length);
    }

    [Fact]
    public void Strict_mode_also_refuses_added_or_dropped_content_words()
    {
        var cached = NearMissGuard.Terms("How do I boil an egg?");
        var qualified = NearMissGuard.Terms("How do I boil an egg in the microwave?");
        Assert.True(NearMissGuard.Allows(cached, qualified));
        Assert.False(NearMissGuard.Allows(cached, qualified, strict: true));
        Assert.False(NearMissGuard.Allows(qualified, cached, strict: true));
        Assert.True(NearMissGuard.Allows(cached, NearMissGuard.Terms("Can you tell me how I boil an egg, please?"), strict: true));
    }

    [Fact]
    public void Entries_without_terms_only_match_lookups_without_terms()
    {
        Assert.True(NearMissGuard.Allows(null, null));
        Assert.False(NearMissGuard.Allows(null, NearMissGuard.Terms("boil an egg")));
        Assert.False(NearMissGuard.Allows(NearMissGuard.Terms("boil an egg"), null));
    }

    [Theory]
    [InlineData("boiled", "boil")]
    [InlineData("boiling", "boil")]
    [InlineData("datasets", "datase")]
    [InlineData("stored", "=save")]
    [InlineData("the", null)]
    public void Stems_fold_inflections_and_synonyms(string word, string? stem) => Assert.Equal(stem, NearMissGuard.Stem(word));
}
