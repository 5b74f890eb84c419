using System.Security.Cryptography;

namespace SemanticRouter.Core.Pipeline;

/// <summary>Takes a well-formed client <c>x-request-id</c> or makes one; ids appear in logs and headers, so they are bounded and plain.</summary>
public static class RequestIds
{
    private const int IdBytes = 16;
    private const int BatchBytes = IdBytes * 256;

    // Guid.NewGuid reads the OS random source once per id (a syscall per request on Linux); ids stay
    // 128 random bits from the same source, drawn 256 at a time per thread. Unpredictable matters:
    // the id is what feedback refers to.
    [ThreadStatic]
    private static byte[]? t_random;

    [ThreadStatic]
    private static int t_used;

    public static string From(IReadOnlyDictionary<string, string> headers) =>
        headers.TryGetValue("x-request-id", out var id) && IsWellFormed(id) ? id : NewId();

    /// <summary>32 lowercase hex characters (the shape of <c>Guid.ToString("N")</c>).</summary>
    public static string NewId()
    {
        var random = t_random;
        if (random is null || t_used == BatchBytes)
        {
            random = t_random ??= new byte[BatchBytes];
            RandomNumberGenerator.Fill(random);
            t_used = 0;
        }

        var bytes = random.AsSpan(t_used, IdBytes);
        var id = Convert.ToHexStringLower(bytes);
        // Drawn bytes are cleared so a later reader of this buffer can't recover an id that was handed out.
        bytes.Clear();
        t_used += IdBytes;
        return id;
    }

    /// <summary>The request id rule: 1..128 characters of [A-Za-z0-9-_.]; ids appear in logs, headers and blob names.</summary>
    public static bool IsWellFormed([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? id)
    {
        if (id is null || id.Length is 0 or > 128)
        {
            return false;
        }

        foreach (var c in id)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                return false;
            }
        }

        return true;
    }
}
