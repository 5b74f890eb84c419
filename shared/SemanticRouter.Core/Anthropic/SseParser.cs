using System.Text;

namespace SemanticRouter.Core.Anthropic;

/// <summary>One server-sent event: its <c>event:</c> name (null when absent) and its <c>data:</c> lines joined by newlines.</summary>
public readonly record struct SseEvent(string? Name, string Data);

/// <summary>
/// Splits a byte stream into server-sent events as the bytes arrive, whatever the chunking (an event may span
/// writes or reads; CRLF and LF both end lines). Lines are bounded so a peer that never ends one cannot grow memory.
/// </summary>
public sealed class SseParser(int maxLineBytes = SseParser.DefaultMaxLineBytes)
{
    /// <summary>A whole chat chunk or Anthropic event sits on one line; tool arguments make the longest ones.</summary>
    public const int DefaultMaxLineBytes = 8 * 1024 * 1024;

    private readonly MemoryStream _line = new();
    private readonly StringBuilder _data = new();
    private string? _name;
    private bool _hasData;

    /// <summary>Adds bytes; complete events are appended to <paramref name="events"/>.</summary>
    public void Feed(ReadOnlySpan<byte> bytes, List<SseEvent> events)
    {
        while (!bytes.IsEmpty)
        {
            var newline = bytes.IndexOf((byte)'\n');
            var segment = newline < 0 ? bytes : bytes[..newline];
            if (_line.Length + segment.Length > maxLineBytes)
            {
                throw new IOException($"A server-sent event line is longer than {maxLineBytes} bytes.");
            }

            _line.Write(segment);
            if (newline < 0)
            {
                return;
            }

            Line(events);
            bytes = bytes[(newline + 1)..];
        }
    }

    /// <summary>The peer closed the stream: an event still open (no blank line after it) is delivered.</summary>
    public void Complete(List<SseEvent> events)
    {
        if (_line.Length > 0)
        {
            Line(events);
        }

        Dispatch(events);
    }

    private void Line(List<SseEvent> events)
    {
        var span = _line.GetBuffer().AsSpan(0, (int)_line.Length);
        if (span.Length > 0 && span[^1] == (byte)'\r')
        {
            span = span[..^1];
        }

        var text = Encoding.UTF8.GetString(span);
        _line.SetLength(0);
        if (text.Length == 0)
        {
            Dispatch(events);
            return;
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        var field = colon < 0 ? text : text[..colon];
        var value = colon < 0 ? string.Empty : text[(colon + 1)..];
        if (value.StartsWith(' '))
        {
            value = value[1..];
        }

        switch (field)
        {
            case "event":
                _name = value;
                break;
            case "data":
                if (_hasData)
                {
                    _data.Append('\n');
                }

                _data.Append(value);
                _hasData = true;
                break;
        }
    }

    private void Dispatch(List<SseEvent> events)
    {
        if (_hasData)
        {
            events.Add(new SseEvent(_name, _data.ToString()));
        }

        _name = null;
        _data.Clear();
        _hasData = false;
    }
}
