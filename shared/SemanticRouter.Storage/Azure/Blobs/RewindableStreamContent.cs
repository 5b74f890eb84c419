using System.Net;

namespace SemanticRouter.Storage.Azure.Blobs;

/// <summary>
/// Sends a caller-owned seekable stream from a fixed start position, once per attempt, without
/// disposing it (StreamContent would dispose it after the first attempt).
/// </summary>
internal sealed class RewindableStreamContent(Stream stream, long start, long length, IProgress<long>? progress) : HttpContent
{
    private const int BufferSize = 81920;

    protected override async Task SerializeToStreamAsync(Stream target, TransportContext? context, CancellationToken cancellationToken)
    {
        stream.Position = start;
        var buffer = new byte[BufferSize];
        long sent = 0;
        while (sent < length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, length - sent)), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new IOException("Upload stream ended before its declared length.");
            }

            await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            sent += read;
            progress?.Report(sent);
        }
    }

    protected override Task SerializeToStreamAsync(Stream target, TransportContext? context) =>
        SerializeToStreamAsync(target, context, CancellationToken.None);

    protected override bool TryComputeLength(out long length1)
    {
        length1 = length;
        return true;
    }
}
