namespace SemanticRouter.Core.Upstream;

/// <summary>An upstream answer whose headers have arrived (the body is still unread), with the attempts it took.</summary>
/// <param name="readTimeout">
/// The attempt's token source (linked to the client's token), handed over so body reads reuse it as their idle
/// timeout instead of each relay creating another; disposed with the response.
/// </param>
public sealed class UpstreamResponse(HttpResponseMessage message, UpstreamModel model, UpstreamBackend backend, IReadOnlyList<UpstreamAttempt> attempts, CancellationTokenSource? readTimeout = null) : IDisposable
{
    private readonly CancellationTokenSource _readTimeout = readTimeout ?? new CancellationTokenSource();

    public HttpResponseMessage Message { get; } = message;

    public UpstreamModel Model { get; } = model;

    public UpstreamBackend Backend { get; } = backend;

    public IReadOnlyList<UpstreamAttempt> Attempts { get; } = attempts;

    public int StatusCode => (int)Message.StatusCode;

    /// <summary>
    /// Arms the idle timeout for the next body read and returns the token to read with: cancelled when the
    /// backend sends nothing for <paramref name="idle"/>, or when the client goes away.
    /// </summary>
    public CancellationToken ArmReadTimeout(TimeSpan idle)
    {
        _readTimeout.CancelAfter(idle);
        return _readTimeout.Token;
    }

    public void Dispose()
    {
        Message.Dispose();
        _readTimeout.Dispose();
    }
}
