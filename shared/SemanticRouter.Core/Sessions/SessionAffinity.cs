using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SemanticRouter.Core.Config;
using SemanticRouter.Core.Decisions;
using SemanticRouter.Core.Observability;
using SemanticRouter.Core.Pipeline;

namespace SemanticRouter.Core.Sessions;

/// <summary>
/// Stable multi-turn routing: a conversation keeps the decision and model of its first answered turn unless a
/// decision of higher priority matches (so blocks and PII policies always win) or a different decision beats the
/// sticky one's confidence by more than <c>switch_margin</c>. A switch that a model answers becomes the new sticky
/// choice; a turn answered without a model (a block, a cache hit) never does. The store is advisory: when it fails or
/// is slow, the request routes as if affinity were off, and the failure is logged and counted.
/// </summary>
public sealed partial class SessionAffinity(ISessionStore store, RouterMetrics? metrics = null, ILogger<SessionAffinity>? logger = null, TimeProvider? time = null)
{
    private readonly RouterMetrics _metrics = metrics ?? new RouterMetrics();
    private readonly ILogger _logger = logger ?? (ILogger)NullLogger.Instance;
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public ISessionStore Store { get; } = store;

    /// <summary>
    /// Reads the conversation's record and decides; on <see cref="SessionOutcome.Kept"/> it replaces
    /// <see cref="RoutingContext.Decision"/> with the sticky decision. Null when the request has no conversation key.
    /// <paramref name="dryRun"/> (explain) leaves the metrics alone.
    /// </summary>
    public async Task<SessionState?> ResolveAsync(RouterSnapshot snapshot, RoutingContext context, SessionAffinitySettings settings, CancellationToken cancellationToken, bool dryRun = false)
    {
        if (SessionKey.For(context.Request, context.Headers) is not { } key)
        {
            return null;
        }

        StoredSession? stored;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(settings.StoreTimeout);
            stored = await Store.GetAsync(key, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            LogStoreFailure(context.RequestId, Store.Name, "read", e.GetType().Name);
            return Count(dryRun, new SessionState(key, SessionOutcome.StoreUnavailable, null));
        }

        if (stored is null || StickyDecision(snapshot, stored.Record) is not { } sticky)
        {
            // A record whose decision or model a reload removed is as good as none (its version lets it be replaced).
            return Count(dryRun, new SessionState(key, SessionOutcome.New, stored));
        }

        var record = stored.Record;
        if (context.Decision is { } current && current.Decision.Name != record.Decision)
        {
            if (Outranks(current.Decision, sticky, record.Priority))
            {
                return Count(dryRun, new SessionState(key, SessionOutcome.PriorityOverride, stored));
            }

            if (current.Confidence > record.Confidence + settings.SwitchMargin)
            {
                return Count(dryRun, new SessionState(key, SessionOutcome.MarginSwitch, stored));
            }
        }

        if (context.Decision?.Decision.Name != record.Decision)
        {
            context.Decision = new DecisionResult(sticky, record.Confidence, []);
        }

        return Count(dryRun, new SessionState(key, SessionOutcome.Kept, stored));
    }

    /// <summary>
    /// After a model answered (2xx): remembers the turn's decision and chosen model for a new conversation or a switch,
    /// and refreshes a kept one's TTL once a quarter of it has passed (so a busy conversation costs few writes).
    /// Losing a race to another instance leaves that instance's choice in place.
    /// </summary>
    public async Task RememberAsync(RoutingContext context, SessionAffinitySettings settings, CancellationToken cancellationToken)
    {
        if (context.Session is not { Outcome: not SessionOutcome.StoreUnavailable } state || context.Decision is not { } decision || context.SelectedModel is not { } model)
        {
            return;
        }

        var now = _time.GetUtcNow();
        SessionRecord record;
        if (state.Sticky)
        {
            var kept = state.Stored!.Record;
            if (now - kept.UpdatedAt < settings.Ttl / 4)
            {
                return;
            }

            record = kept with { UpdatedAt = now, ExpiresAt = now + settings.Ttl };
        }
        else
        {
            record = new SessionRecord(decision.Decision.Name, decision.Decision.Priority, model.Name, decision.Confidence, now, now + settings.Ttl);
        }

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(settings.StoreTimeout);
            if (!await Store.TryWriteAsync(state.Key, record, state.Stored?.Version, timeout.Token).ConfigureAwait(false))
            {
                _metrics.SessionAffinity("write_conflict", Store.Name);
            }
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            LogStoreFailure(context.RequestId, Store.Name, "write", e.GetType().Name);
            _metrics.SessionAffinity("write_failed", Store.Name);
        }
    }

    /// <summary>The sticky decision if the current config still has it and its model; null otherwise.</summary>
    /// <summary>
    /// Whether the turn's decision ranks above the sticky one as the decision engine ranks matches: by tier when either
    /// has one (lower wins, unset = 0), else by priority — so a tiered jailbreak block breaks stickiness even when its
    /// priority is lower.
    /// </summary>
    private static bool Outranks(DecisionConfig current, DecisionConfig sticky, int stickyPriority) =>
        (current.Tier > 0 || sticky.Tier > 0) && current.Tier != sticky.Tier
            ? current.Tier < sticky.Tier
            : current.Priority > stickyPriority;

    private static DecisionConfig? StickyDecision(RouterSnapshot snapshot, SessionRecord record)
    {
        if (snapshot.Model(record.Model) is null)
        {
            return null;
        }

        foreach (var d in snapshot.Config.Routing.Decisions)
        {
            if (d.Name == record.Decision)
            {
                return d;
            }
        }

        return null;
    }

    private SessionState Count(bool dryRun, SessionState state)
    {
        if (!dryRun)
        {
            _metrics.SessionAffinity(state.Label, Store.Name);
        }

        return state;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request {RequestId}: session store {Store} {Operation} failed ({ExceptionType}); the request was served without session affinity")]
    private partial void LogStoreFailure(string requestId, string store, string operation, string exceptionType);
}
