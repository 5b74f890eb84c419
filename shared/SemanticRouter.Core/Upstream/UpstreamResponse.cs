namespace SemanticRouter.Core.Upstream;

/// <summary>An upstream answer whose headers have arrived (the body is still unread), with the attempts it took.</summary>
public sealed class UpstreamResponse(HttpResponseMessage message, UpstreamModel model, UpstreamBackend backend, IReadOnlyList<UpstreamAttempt> attempts) : IDisposable
{
    public HttpResponseMessage Message { get; } = message;

    public UpstreamModel Model { get; } = model;

    public UpstreamBackend Backend { get; } = backend;

    public IReadOnlyList<UpstreamAttempt> Attempts { get; } = attempts;

    public int StatusCode => (int)Message.StatusCode;

    public void Dispose() => Message.Dispose();
}
