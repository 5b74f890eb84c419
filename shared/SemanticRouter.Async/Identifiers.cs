namespace SemanticRouter.Async;

/// <summary>Bounds for ids and labels that end up in blob names, logs and headers.</summary>
internal static class Identifiers
{
    /// <summary>Request/feedback/response ids: 1..128 of [A-Za-z0-9-_.] (the router's own request id rule).</summary>
    public static bool IsValid(string? id) =>
        id is { Length: > 0 and <= 128 } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') && id is not ("." or "..");

    /// <summary>Model and decision names: 1..256 printable characters without '/' (the ratings key separator).</summary>
    public static bool IsLabel(string? label) =>
        label is { Length: > 0 and <= 256 } && label.All(c => c >= ' ' && c != '/' && c != 0x7f);
}
