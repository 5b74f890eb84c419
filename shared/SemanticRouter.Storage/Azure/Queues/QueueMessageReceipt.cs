namespace SemanticRouter.Storage.Azure.Queues;

/// <summary>Returned by send and update: the message id, its current pop receipt and when it becomes visible.</summary>
public sealed record QueueMessageReceipt(string MessageId, string PopReceipt, DateTimeOffset NextVisibleTime);
