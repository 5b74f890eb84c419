using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace SemanticRouter.Core.Anthropic;

/// <summary>
/// Replaces the body of an Anthropic backend's answer with its Chat Completions translation, read lazily as the relay
/// reads it (same idle timeouts, same cancellation, nothing buffered for streams): a stream stays a stream of
/// <c>chat.completion.chunk</c>s, a message becomes a <c>chat.completion</c>, an error becomes an OpenAI-shaped error.
/// </summary>
public sealed class AnthropicAnswerContent : HttpContent
{
    /// <summary>The relay's own bound on a buffered answer.</summary>
    private const int MaxBufferedBody = 64 * 1024 * 1024;

    private readonly HttpContent _inner;
    private readonly int _status;
    private readonly bool _stream;
    private readonly bool _includeUsage;

    private AnthropicAnswerContent(HttpContent inner, int status, bool stream, bool includeUsage)
    {
        _inner = inner;
        _status = status;
        _stream = stream;
        _includeUsage = includeUsage;
        Headers.ContentType = new MediaTypeHeaderValue(stream ? "text/event-stream" : "application/json");
    }

    /// <summary>Swaps <paramref name="response"/>'s content for the translating one.</summary>
    /// <param name="includeUsage">Whether the client asked for a usage chunk (<c>stream_options.include_usage</c>).</param>
    public static void Adapt(HttpResponseMessage response, bool includeUsage)
    {
        var status = (int)response.StatusCode;
        var stream = status is >= 200 and < 300 && string.Equals(response.Content.Headers.ContentType?.MediaType, "text/event-stream", StringComparison.OrdinalIgnoreCase);
        response.Content = new AnthropicAnswerContent(response.Content, status, stream, includeUsage);
    }

    protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken)
    {
        var inner = await _inner.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        return _stream ? new AnthropicChatStream(inner, new AnthropicChatTranslator(_includeUsage)) : new TranslatedBody(inner, _status);
    }

    protected override Task<Stream> CreateContentReadStreamAsync() => CreateContentReadStreamAsync(CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        await using var source = await CreateContentReadStreamAsync(CancellationToken.None).ConfigureAwait(false);
        await source.CopyToAsync(stream).ConfigureAwait(false);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>A whole (non-streamed) answer: read on the first read, with the caller's token, then served translated.</summary>
    private sealed class TranslatedBody(Stream inner, int status) : ReadOnlyAsyncStream
    {
        private MemoryStream? _translated;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_translated is null)
            {
                using var original = new MemoryStream();
                var chunk = new byte[16 * 1024];
                int n;
                while ((n = await inner.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    if (original.Length + n > MaxBufferedBody)
                    {
                        throw new IOException("The Anthropic backend's answer exceeds the buffering limit.");
                    }

                    original.Write(chunk, 0, n);
                }

                var bytes = original.GetBuffer().AsSpan(0, (int)original.Length);
                try
                {
                    _translated = new MemoryStream(status is >= 200 and < 300 ? AnthropicChatTranslator.Completion(bytes) : AnthropicError.ToOpenAIBody(status, bytes));
                }
                catch (Exception e) when (e is JsonException or InvalidOperationException)
                {
                    throw new IOException("The Anthropic backend's answer is not a message the router can translate.", e);
                }
            }

            return _translated.Read(buffer.Span);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
                _translated?.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
