namespace SemanticRouter.Core.Observability;

/// <summary>
/// Wraps the client stream of a streaming answer: notes when the first bytes go out (time to first
/// token) and keeps the last few kilobytes written, where the final <c>usage</c> chunk sits.
/// Write-only; everything is passed through unchanged.
/// </summary>
public sealed class ObservedStream(Stream inner, int tailBytes = 8 * 1024) : Stream
{
    private readonly byte[] _tail = new byte[tailBytes];
    private int _tailLength;
    private long _firstWriteTimestamp;

    /// <summary><see cref="System.Diagnostics.Stopwatch"/> timestamp of the first non-empty write, or 0.</summary>
    public long FirstWriteTimestamp => _firstWriteTimestamp;

    public long BytesWritten { get; private set; }

    public ReadOnlySpan<byte> Tail => _tail.AsSpan(0, _tailLength);

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count)
    {
        Observe(buffer.AsSpan(offset, count));
        inner.Write(buffer, offset, count);
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Observe(buffer.Span);
        await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private void Observe(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }

        if (_firstWriteTimestamp == 0)
        {
            _firstWriteTimestamp = System.Diagnostics.Stopwatch.GetTimestamp();
        }

        BytesWritten += data.Length;
        if (data.Length >= _tail.Length)
        {
            data[^_tail.Length..].CopyTo(_tail);
            _tailLength = _tail.Length;
            return;
        }

        var keep = Math.Min(_tailLength, _tail.Length - data.Length);
        if (keep < _tailLength)
        {
            _tail.AsSpan(_tailLength - keep, keep).CopyTo(_tail);
        }

        data.CopyTo(_tail.AsSpan(keep));
        _tailLength = keep + data.Length;
    }
}
