namespace SemanticRouter.Async.Feedback;

/// <summary>Which model and decision served a request id, so later feedback can be attributed.</summary>
public interface IRequestAttributions
{
    void Record(string requestId, string model, string? decision);

    bool TryGet(string requestId, out RequestAttribution attribution);
}

public readonly record struct RequestAttribution(string Model, string? Decision);
