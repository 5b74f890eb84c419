using System.Text;

namespace SemanticRouter.Core.Anthropic;

/// <summary>
/// The client stream of a streamed <c>/v1/messages</c> answer, as the chat pipeline writes it: the chat SSE bytes
/// written here (any chunking) are parsed, translated by <see cref="MessagesStreamTranslator"/> and written on to
/// the client as Anthropic events, flushed as they come. Write-only.
/// </summary>
public sealed class MessagesEventStream(Stream client, MessagesStreamTranslator translator) : Stream
{
    private readonly SseParser _parser = new();
    private readonly List<SseEvent> _events = [];
    private readonly StringBuilder _output = new();

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>The chat stream is over: closes the Anthropic sequence (or reports a truncated answer) and flushes.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        _parser.Complete(_events);
        Translate();
        translator.OnEnd(_output);
        await WriteOutputAsync(cancellationToken).ConfigureAwait(false);
        await client.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => client.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    // Synchronous writes would block on the client socket; the relay and router-authored streams all write async.
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _parser.Feed(buffer.Span, _events);
        Translate();
        await WriteOutputAsync(cancellationToken).ConfigureAwait(false);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private void Translate()
    {
        foreach (var e in _events)
        {
            translator.OnChatData(e.Data, _output);
        }

        _events.Clear();
    }

    private async Task WriteOutputAsync(CancellationToken cancellationToken)
    {
        if (_output.Length == 0)
        {
            return;
        }

        var bytes = Encoding.UTF8.GetBytes(_output.ToString());
        _output.Clear();
        await client.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
    }
}
