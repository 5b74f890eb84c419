using SemanticRouter.Core.Pipeline;

namespace SemanticRouter.Functions.Responses;

/// <summary>The ids of the Responses API: <c>resp_…</c> for responses, <c>msg_…</c> and <c>fc_…</c> for output items.</summary>
internal static class ResponseIds
{
    public const string ResponsePrefix = "resp_";

    public static string NewResponse() => ResponsePrefix + RequestIds.NewId();

    public static string NewMessage() => "msg_" + RequestIds.NewId();

    public static string NewFunctionCall() => "fc_" + RequestIds.NewId();

    /// <summary>
    /// A response id a client may send back (path or <c>previous_response_id</c>): <c>resp_</c> then 1..123 of
    /// [A-Za-z0-9_-]. The id becomes part of a blob name, so nothing else is accepted.
    /// </summary>
    public static bool IsWellFormed([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? id)
    {
        if (id is null || id.Length is <= 5 or > 128 || !id.StartsWith(ResponsePrefix, StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in id.AsSpan(ResponsePrefix.Length))
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                return false;
            }
        }

        return true;
    }
}
