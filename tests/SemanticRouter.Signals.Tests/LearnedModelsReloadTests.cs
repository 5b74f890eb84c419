using SemanticRouter.Signals.Models;

namespace SemanticRouter.Signals.Tests;

/// <summary>
/// Refreshes arrive as events and can overlap (a timer refresh and a manual one); the new version of a model must be
/// loaded and swapped in once, not once per event — a second swap would count twice and schedule the release of a
/// folder twice.
/// </summary>
public sealed class LearnedModelsReloadTests : IDisposable
{
    private readonly string _work = Path.Combine(Path.GetTempPath(), "sr-reload-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task Overlapping_refreshes_swap_in_a_new_version_once()
    {
        var v1 = CopyLanguageModel("v1");
        var v2 = CopyLanguageModel("v2");
        var source = new VersionedFolders(v1);
        using var models = new LearnedModels(source: source);
        await models.Require(LearnedModel.LanguageIdentifier);
        Assert.Equal(v1, models.PathOf(LearnedModel.LanguageIdentifier));

        // Both refreshes ask for the folder at the same moment if nothing keeps them apart: the source waits until
        // two callers arrive (or two seconds pass), so overlapping reloads would both see v2 as new.
        source.Publish(v2, holdUntilCallers: 2, hold: TimeSpan.FromSeconds(2));
        await Task.WhenAll(models.ReloadAsync(["language-id"]), models.ReloadAsync(["language-id"]));

        Assert.Null(models.LastReloadError);
        Assert.Equal(1, models.Reloads);
        Assert.Equal(v2, models.PathOf(LearnedModel.LanguageIdentifier));
        Assert.Equal("de", models.LanguageIdentifier.Identify("Guten Morgen, wie geht es Ihnen heute?")[0].Language);
    }

    private string CopyLanguageModel(string version)
    {
        var target = Path.Combine(_work, version, "language-id");
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(Path.Combine(ShippedModels.Directory, "language-id")))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }

        return target;
    }

    /// <summary>A model source over real folders on disk whose current version the test switches.</summary>
    private sealed class VersionedFolders(string initial) : ILearnedModelSource
    {
        private volatile string _current = initial;
        private TaskCompletionSource _gate = CompletedGate();
        private int _waiting;
        private int _holdUntil;
        private TimeSpan _hold;

        // The test calls ReloadAsync itself, as the change events would.
        public event EventHandler<IReadOnlyList<string>>? ModelsChanged
        {
            add { }
            remove { }
        }

        public void Publish(string folder, int holdUntilCallers, TimeSpan hold)
        {
            _current = folder;
            _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting = 0;
            _holdUntil = holdUntilCallers;
            _hold = hold;
        }

        public async ValueTask<string> GetFolderAsync(string name, CancellationToken cancellationToken = default)
        {
            var gate = _gate;
            if (!gate.Task.IsCompleted)
            {
                if (Interlocked.Increment(ref _waiting) >= _holdUntil)
                {
                    gate.TrySetResult();
                }

                try
                {
                    await gate.Task.WaitAsync(_hold, cancellationToken);
                }
                catch (TimeoutException)
                {
                    // Nobody else came: the caller goes on alone.
                }
            }

            return _current;
        }

        private static TaskCompletionSource CompletedGate()
        {
            var done = new TaskCompletionSource();
            done.SetResult();
            return done;
        }
    }
}
