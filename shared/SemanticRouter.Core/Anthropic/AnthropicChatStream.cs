using System.Text;

namespace SemanticRouter.Core.Anthropic;

/// <summary>
/// Reads an Anthropic event stream and yields the equivalent Chat Completions SSE bytes, event by event as they
/// arrive: each read pulls from the backend only until at least one translated event is ready, so the relay's idle
/// timeout and flushing work exactly as for a chat backend.
/// </summary>
public sealed class AnthropicChatStream(Stream inner, AnthropicChatTranslator translator) : ReadOnlyAsyncStream
{
    private readonly SseParser _parser = new();
    private readonly List<SseEvent> _events = [];
    private readonly StringBuilder _text = new();
    private readonly byte[] _read = new byte[16 * 1024];
    private byte[] _pending = [];
    private int _offset;
    private bool _ended;

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

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
