using Microsoft.Extensions.Logging;

namespace SemanticRouter.Async.Feedback;

/// <summary>
/// Applies feedback to the ratings document with optimistic concurrency: read (document, ETag),
/// add the messages not applied yet, write with If-Match; on a conflict re-read and retry with
/// jittered back-off. A batch is applied in one write, so a batch is all-or-nothing.
/// </summary>
internal sealed partial class RatingsAggregator(IRatingsDocumentStore store, RatingsView view, ILogger<RatingsAggregator> logger, int dedupeWindow = RatingsAggregator.DefaultDedupeWindow)
{
    public const int DefaultDedupeWindow = 4096;
    private const int MaxAttempts = 200;

    /// <summary>Applies the messages; returns, per message, whether it was new (false: applied before, a duplicate).</summary>
    public async Task<bool[]> ApplyAsync(IReadOnlyList<FeedbackMessage> messages, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var (document, etag) = await store.ReadAsync(cancellationToken).ConfigureAwait(false);
            var applied = document.ReadApplied();
            var seen = new HashSet<ulong>(applied);
            var added = 0;
            var isNew = new bool[messages.Count];
            for (var i = 0; i < messages.Count; i++)
            {
                var m = messages[i];
                var hash = RatingsDocument.IdHash(m.FeedbackId);
                if (!seen.Add(hash))
                {
                    continue;
                }

                isNew[i] = true;

                var key = RatingsDocument.Key(m.Decision, m.Model);
                if (!document.Pairs.TryGetValue(key, out var pair))
                {
                    pair = new PairRating { Decision = m.Decision, Model = m.Model };
                    document.Pairs[key] = pair;
                }

                pair.Add(m.Rating, m.Category);
                applied.Add(hash);
                added++;
            }

            if (added == 0)
            {
                view.Publish(document);
                return isNew;
            }

            if (applied.Count > dedupeWindow)
            {
                applied.RemoveRange(0, applied.Count - dedupeWindow);
            }

            document.WriteApplied(applied);

            document.TotalApplied += added;
            document.Updated = DateTimeOffset.UtcNow;
            if (await store.TryWriteAsync(document, etag, cancellationToken).ConfigureAwait(false))
            {
                view.Publish(document);
                return isNew;
            }

            if (attempt >= MaxAttempts)
            {
                throw new InvalidOperationException($"Ratings update lost {attempt} compare-and-swap races in a row; the messages will be retried.");
            }

            LogConflict(attempt);
            var backoff = Math.Min(200, 2 << Math.Min(attempt, 6));
            await Task.Delay(Random.Shared.Next(1, backoff), cancellationToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Ratings write conflict (attempt {Attempt}); re-reading")]
    private partial void LogConflict(int attempt);
}
