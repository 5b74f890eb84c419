using SemanticRouter.Async.HaluGate;
using SemanticRouter.Core.Config;

namespace SemanticRouter.Functions.Tests;

/// <summary><c>global.halugate.hand_off</c> is validated at load with errors naming the YAML path; its mode defaults to journal with a storage account.</summary>
public sealed class AuditHandOffSettingsTests
{
    [Theory]
    [InlineData("mode: journal", false, "global.halugate.hand_off.mode", "no storage account is configured")]
    [InlineData("mode: disk", true, "global.halugate.hand_off.mode", "must be one of")]
    [InlineData("max_journal_bytes: 1000", true, "global.halugate.hand_off.max_journal_bytes", "")]
    [InlineData("segment_bytes: 100", true, "global.halugate.hand_off.segment_bytes", "")]
    [InlineData("{max_journal_bytes: 100000, segment_bytes: 200000}", true, "global.halugate.hand_off.segment_bytes", "must not exceed max_journal_bytes")]
    [InlineData("journal_dir: [a]", true, "global.halugate.hand_off.journal_dir", "")]
    [InlineData("colour: red", true, "global.halugate.hand_off.colour", "unknown key")]
    public void Invalid_settings_are_load_errors_naming_the_path(string setting, bool storage, string path, string message) =>
        GlobalSectionConfigs.AssertLoadError("halugate.hand_off", setting, storage ? GlobalSectionConfigs.WithStorage : _ => null, path, message);

    [Fact]
    public void Mode_defaults_to_journal_with_a_storage_account_and_queue_without_one()
    {
        var standalone = AuditHandOffSettings.From(Load(null, _ => null).Config!);
        Assert.Equal(AuditHandOffSettings.Default, standalone);
        Assert.Equal(("queue", 64L * 1024 * 1024, 1024L * 1024), (standalone.Mode, standalone.MaxJournalBytes, standalone.SegmentBytes));
        Assert.Equal(Path.Combine(Path.GetTempPath(), "semantic-router", "audit-journal"), standalone.JournalDirectory);

        Assert.Equal("journal", AuditHandOffSettings.From(Load(null, GlobalSectionConfigs.WithStorage).Config!).Mode);
        Assert.Equal("journal", AuditHandOffSettings.From(Load("max_journal_bytes: 1048576", GlobalSectionConfigs.WithStorage).Config!).Mode);

        var set = AuditHandOffSettings.From(Load("{mode: queue, journal_dir: /var/lib/router/journal, max_journal_bytes: 1048576, segment_bytes: 65536}", GlobalSectionConfigs.WithStorage).Config!);
        Assert.Equal(new AuditHandOffSettings("queue", "/var/lib/router/journal", 1024 * 1024, 64 * 1024), set);

        // An unset segment size is at most a quarter of a small journal, so rotation can free space before it is full.
        Assert.Equal(64 * 1024, AuditHandOffSettings.From(Load("max_journal_bytes: 262144", GlobalSectionConfigs.WithStorage).Config!).SegmentBytes);
    }

    private static (RouterConfig? Config, IReadOnlyList<ConfigError> Errors) Load(string? section, Func<string, string?> environment) =>
        GlobalSectionConfigs.Load("halugate.hand_off", section, environment);
}
