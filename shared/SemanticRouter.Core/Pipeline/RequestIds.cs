namespace SemanticRouter.Core.Pipeline;

/// <summary>Takes a well-formed client <c>x-request-id</c> or makes one; ids appear in logs and headers, so they are bounded and plain.</summary>
public static class RequestIds
{
    public static string From(IReadOnlyDictionary<string, string> headers)
    {
        if (headers.TryGetValue("x-request-id", out var id) && id.Length is > 0 and <= 128 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            return id;
        }

        return Guid.NewGuid().ToString("N");
    }
}
