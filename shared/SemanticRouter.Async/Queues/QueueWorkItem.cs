namespace SemanticRouter.Async.Queues;

/// <summary>One delivered queue message as a handler sees it, from the poller or from a Functions host invocation.</summary>
public sealed record QueueWorkItem(string MessageId, string Text, long DequeueCount);
