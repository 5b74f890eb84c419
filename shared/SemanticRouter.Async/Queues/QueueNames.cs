namespace SemanticRouter.Async.Queues;

/// <summary>Queue and container names shared with the infrastructure templates (do not rename one side only).</summary>
public static class QueueNames
{
    public const string HalugateAudits = "halugate-audits";
    public const string Feedback = "feedback";
    public const string AuditContainer = "halugate-audits";
    public const string RatingsContainer = "feedback-ratings";

    /// <summary>Where messages go after too many failed attempts or when they cannot be parsed (the Functions host's convention).</summary>
    public static string Poison(string queueName) => queueName + "-poison";
}
