using System.Text;

namespace SemanticRouter.Core.Anthropic;

/// <summary>
/// Reads an Anthropic event stream and yields the equivalent Chat Completions SSE bytes, event by event as they
/// arrive: each read pulls from the backend only until at least one translated event is ready, so the relay's idle
/// timeout and flushing work exactly as for a chat backend. Read-only.
/// </summary>
public sealed class AnthropicChatStream(Stream inner, AnthropicChatTranslator translator) : Stream
{
    private readonly SseParser _parser = new();
    private readonly List<SseEvent> _events = [];
    private readonly StringBuilder _text = new();
    private readonly byte[] _read = new byte[16 * 1024];
    private byte[] _pending = [];
    private int _offset;
    private bool _ended;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (_offset == _pending.Length)
        {
            if (_ended)
            {
                return 0;
            }

            var n = await inner.ReadAsync(_read, cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                _parser.Complete(_events);
                _ended = true;
            }
            else
            {
                _parser.Feed(_read.AsSpan(0, n), _events);
            }

            foreach (var e in _events)
            {
                translator.OnEvent(e, _text);
            }

            _events.Clear();
            _pending = Encoding.UTF8.GetBytes(_text.ToString());
            _offset = 0;
            _text.Clear();
        }

        var count = Math.Min(buffer.Length, _pending.Length - _offset);
        _pending.AsSpan(_offset, count).CopyTo(buffer.Span);
        _offset += count;
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    // The relay reads asynchronously; a blocking read would hold a thread on the backend socket.
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
