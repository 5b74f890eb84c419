namespace SemanticRouter.Storage.Azure.Queues;

/// <summary>A message read without dequeuing it (no pop receipt).</summary>
public sealed record PeekedQueueMessage(string MessageId, string Text, long DequeueCount, DateTimeOffset InsertionTime, DateTimeOffset ExpirationTime);
