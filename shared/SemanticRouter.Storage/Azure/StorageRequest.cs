namespace SemanticRouter.Storage.Azure;

/// <summary>
/// A recipe for one storage request. <see cref="Build"/> makes a fresh message per attempt, since a
/// sent HttpRequestMessage cannot be reused and the signature covers the request date.
/// </summary>
internal sealed class StorageRequest(HttpMethod method, Uri uri)
{
    private readonly List<KeyValuePair<string, string>> _headers = [];

    public HttpMethod Method { get; } = method;

    public Uri Uri { get; } = uri;

    /// <summary>Creates the body for one attempt (re-opened or rewound per attempt).</summary>
    public Func<HttpContent>? Content { get; init; }

    public StorageRequest Header(string name, string? value)
    {
        if (value is not null)
        {
            _headers.Add(new(name, value));
        }

        return this;
    }

    public HttpRequestMessage Build()
    {
        var message = new HttpRequestMessage(Method, Uri);
        foreach (var (name, value) in _headers)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        // PUT/POST without a body still send Content-Length: 0, which is signed as an empty line.
        message.Content = Content?.Invoke() ?? (Method == HttpMethod.Put || Method == HttpMethod.Post ? new ByteArrayContent([]) : null);
        return message;
    }
}
