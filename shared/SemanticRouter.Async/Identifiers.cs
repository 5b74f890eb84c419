using SemanticRouter.Core.Pipeline;

namespace SemanticRouter.Async;

/// <summary>Bounds for ids and labels that end up in blob names, logs and headers.</summary>
internal static class Identifiers
{
    /// <summary>Request/feedback/response ids: the router's own request id rule, less "." and ".." (not blob-name segments).</summary>
    public static bool IsValid(string? id) => RequestIds.IsWellFormed(id) && id is not ("." or "..");

    /// <summary>Model and decision names: 1..256 printable characters without '/' (the ratings key separator).</summary>
    public static bool IsLabel(string? label) =>
        label is { Length: > 0 and <= 256 } && label.All(c => c >= ' ' && c != '/' && c != 0x7f);
}
