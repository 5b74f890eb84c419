using System.Text;

namespace SemanticRouter.Storage.Azure.Queues;

/// <summary>Service limits shared by the storage and in-memory queues, so both reject the same inputs.</summary>
internal static class QueueLimits
{
    public const int MaxMessagesPerCall = 32;

    /// <summary>48 KiB of UTF-8 becomes 64 KiB of base64, the service's message limit.</summary>
    public const int MaxTextBytes = 48 * 1024;

    public static readonly TimeSpan MaxVisibility = TimeSpan.FromDays(7);
    public static readonly TimeSpan DefaultVisibility = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan DefaultTimeToLive = TimeSpan.FromDays(7);

    public static void ValidateText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (Encoding.UTF8.GetByteCount(text) > MaxTextBytes)
        {
            throw new ArgumentException($"Queue message text exceeds {MaxTextBytes} UTF-8 bytes; store large payloads in a blob and enqueue a reference.", nameof(text));
        }
    }

    public static void ValidateCount(int maxMessages)
    {
        if (maxMessages is < 1 or > MaxMessagesPerCall)
        {
            throw new ArgumentOutOfRangeException(nameof(maxMessages), "1 to 32 messages per call.");
        }
    }

    public static TimeSpan ValidateVisibility(TimeSpan? value, TimeSpan minimum)
    {
        var v = value ?? DefaultVisibility;
        return v < minimum || v > MaxVisibility
            ? throw new ArgumentOutOfRangeException(nameof(value), $"Visibility timeout must be between {minimum.TotalSeconds:0} s and 7 days.")
            : v;
    }

    private static readonly UTF8Encoding StrictUtf8 = new(false, true);

    /// <summary>Base64 per the Functions convention; a message put raw by another producer is returned as is.</summary>
    public static string Decode(string wire)
    {
        var buffer = new byte[(wire.Length * 3 / 4) + 3];
        if (!Convert.TryFromBase64String(wire, buffer, out var written))
        {
            return wire;
        }

        try
        {
            return StrictUtf8.GetString(buffer, 0, written);
        }
        catch (DecoderFallbackException)
        {
            return wire;
        }
    }
}
