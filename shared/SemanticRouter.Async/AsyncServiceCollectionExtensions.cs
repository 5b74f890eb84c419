using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SemanticRouter.Async.Feedback;
using SemanticRouter.Async.HaluGate;
using SemanticRouter.Async.HaluGate.Journal;
using SemanticRouter.Async.Preference;
using SemanticRouter.Async.Queues;
using SemanticRouter.Core.Config;
using SemanticRouter.Core.Observability;
using SemanticRouter.Core.Pipeline;
using SemanticRouter.Signals.Models;
using SemanticRouter.Storage.Azure;
using SemanticRouter.Storage.ModelStore;

namespace SemanticRouter.Async;

/// <summary>Wires HaluGate, the feedback loop and the queue functions into DI with one call.</summary>
public static class AsyncServiceCollectionExtensions
{
    /// <summary>
    /// Registers the queue handlers, stores and pollers. With a storage account configured
    /// (<c>AzureWebJobsStorage</c>…) queues and blobs live there; without one, queues are in-process
    /// and results and ratings are kept in memory, so a standalone router still audits and learns.
    /// <paramref name="underFunctionsHost"/>: the Functions host triggers the queue functions, so no pollers by default.
    /// </summary>
    public static IServiceCollection AddSemanticRouterAsync(this IServiceCollection services, Func<string, string?> setting, bool underFunctionsHost = false)
    {
        var settings = AsyncSettings.FromSettings(setting, underFunctionsHost);
        var storage = StorageSettings.FromSettings(setting);
        services.AddSingleton(settings);
        services.AddSingleton(QueuePollerOptions.FromSettings(setting));
        if (storage is not null)
        {
            // One account per app, shared with the model store: one connection pool, and one token cache under a managed identity.
            services.TryAddSingleton(_ => new StorageAccount(storage));
            services.AddSingleton<IQueueProvider>(sp => QueueProvider.ForAccount(sp.GetRequiredService<StorageAccount>()));
            services.AddSingleton<IAuditStore>(sp => new BlobAuditStore(sp.GetRequiredService<StorageAccount>().GetBlobClient(QueueNames.AuditContainer)));
            services.AddSingleton<IRatingsDocumentStore>(sp => new BlobRatingsDocumentStore(sp.GetRequiredService<StorageAccount>().GetBlobClient(QueueNames.RatingsContainer)));
        }
        else
        {
            services.AddSingleton<IQueueProvider>(_ => QueueProvider.InProcess());
            services.AddSingleton<IAuditStore>(_ => new InMemoryAuditStore());
            services.AddSingleton<IRatingsDocumentStore>(_ => new InMemoryRatingsDocumentStore());
        }

        services.AddSingleton<PoisonQueue>();
        if (settings.DetectorModel is { } detectorModel)
        {
            // A user-supplied ONNX detector from the model manifest (Blob model store, or the local models folder)
            // replaces the lexical default. It loads when the host starts (DetectorModelPreload), so a bad
            // HALUGATE_DETECTOR_MODEL stops startup with its name.
            services.AddSingleton(sp => new ConfiguredSpanDetector(
                detectorModel,
                settings.DetectorThreshold,
                sp.GetService<IModelStore>(),
                () => (sp.GetService<LearnedModelOptions>() ?? new LearnedModelOptions()).ResolveModelsDirectory()));
            services.AddSingleton<ISpanDetector>(sp => sp.GetRequiredService<ConfiguredSpanDetector>());
            services.AddSingleton<IHostedService, DetectorModelPreload>();
        }

        services.AddSingleton(sp => new HallucinationAuditor(sp.GetService<ISpanDetector>() ?? new LexicalGroundingDetector(), settings.MinConfidence));
        services.AddSingleton(sp => new RatingsView(sp.GetRequiredService<IRatingsDocumentStore>(), settings.RatingsRefresh, sp.GetRequiredService<ILogger<RatingsView>>()));
        services.AddSingleton(sp => new RatingsAggregator(sp.GetRequiredService<IRatingsDocumentStore>(), sp.GetRequiredService<RatingsView>(), sp.GetRequiredService<ILogger<RatingsAggregator>>(), settings.DedupeWindow));
        services.AddSingleton<IRequestAttributions>(_ => new BoundedRequestAttributions(settings.AttributionCapacity));
        services.AddSingleton(_ => new FeedbackTokenAuthenticator(settings.FeedbackToken));
        services.AddSingleton<FeedbackWebhook>(sp => new FeedbackWebhook(
            sp.GetRequiredService<FeedbackTokenAuthenticator>(),
            sp.GetRequiredService<IRequestAttributions>(),
            sp.GetRequiredService<IQueueProvider>(),
            sp.GetRequiredService<ILogger<FeedbackWebhook>>()));
        services.AddSingleton<HalugateAuditHandler>();
        services.AddSingleton<FeedbackIngestHandler>();
        services.AddSingleton<IQueueMessageHandler>(sp => sp.GetRequiredService<HalugateAuditHandler>());
        services.AddSingleton<IQueueMessageHandler>(sp => sp.GetRequiredService<FeedbackIngestHandler>());
        services.AddSingleton<AuditQueueSender>();
        services.AddSingleton(sp => new AuditEnqueuer(
            sp.GetRequiredService<AuditQueueSender>(),
            () => CreateJournal(sp, storage),
            sp.GetRequiredService<ILogger<AuditEnqueuer>>(),
            sp.GetService<RouterMetrics>()));
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<AuditEnqueuer>());

        // Registered after the enqueuer, so it stops first (hosts stop services in reverse order) and the journal it
        // reads from is disposed with the enqueuer after it.
        services.AddSingleton<IHostedService, JournalPump>();
        if (settings.RunPollers)
        {
            services.AddSingleton<IHostedService, QueueWorkerService>();
        }

        return services;
    }

    /// <summary>
    /// The audit journal <c>global.halugate.hand_off</c> asks for (null in <c>queue</c> mode, and without a storage
    /// account, whose in-process queues die with the process anyway), in a subfolder per queue service.
    /// </summary>
    private static AuditJournal? CreateJournal(IServiceProvider services, StorageAccountOptions? storage)
    {
        if (storage?.QueueEndpoint is not { } queueEndpoint)
        {
            return null;
        }

        var settings = services.GetService<IRouterSnapshotSource>() is { } snapshots ? AuditHandOffSettings.From(snapshots.Current.Config) : AuditHandOffSettings.Default;
        if (!settings.UsesJournal)
        {
            return null;
        }

        var journal = new AuditJournal(
            Path.Combine(settings.JournalDirectory, AuditJournal.ScopeFolder(queueEndpoint)),
            settings.MaxJournalBytes,
            settings.SegmentBytes,
            services.GetRequiredService<ILogger<AuditJournal>>());
        services.GetService<RouterMetrics>()?.ObserveAuditJournalBacklog(() => journal.Backlog);
        return journal;
    }

    /// <summary>Adds the <c>hallucination</c> plugin, the <c>feedback</c> selection algorithm and the <c>preference</c> signal.</summary>
    public static RouterExtensions AddAsyncFeatures(this RouterExtensions extensions, IServiceProvider services) => extensions
        .Add(new HallucinationPlugin.Factory(services))
        .Add(new FeedbackSelection(services))
        .Add(new PreferenceSignalKind(services));
}
