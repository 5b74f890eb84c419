namespace SemanticRouter.Storage.Azure.Queues;

/// <summary>A received message; <see cref="PopReceipt"/> is needed to delete it or extend its invisibility.</summary>
public sealed record QueueMessage(
    string MessageId,
    string Text,
    long DequeueCount,
    DateTimeOffset InsertionTime,
    DateTimeOffset ExpirationTime,
    string PopReceipt,
    DateTimeOffset NextVisibleTime);
