using System.Globalization;

namespace SemanticRouter.Core.Pipeline;

/// <summary>The anchor's <c>x-vsr-*</c> response header names.</summary>
public static class VsrHeaders
{
    public const string SelectedModel = "x-vsr-selected-model";
    public const string SelectedDecision = "x-vsr-selected-decision";
    public const string SelectedConfidence = "x-vsr-selected-confidence";
    public const string ResponsePath = "x-vsr-response-path";
    public const string SelectedReasoning = "x-vsr-selected-reasoning";
    public const string SelectedReasoningEffort = "x-vsr-selected-reasoning-effort";
    public const string SessionSticky = "x-vsr-session-sticky";
    public const string RequestId = "x-request-id";
    public const string Debug = "x-vsr-debug";
    public const string ContextTokenCount = "x-vsr-context-token-count";
    public const string InjectedSystemPrompt = "x-vsr-injected-system-prompt";
    public const string UpstreamAttempts = "x-vsr-upstream-attempts";
    public const string DestinationEndpoint = "x-vsr-destination-endpoint";

    /// <summary>Debug header for a signal type's matches: <c>x-vsr-matched-keywords</c>, <c>-domains</c>, <c>-fact-check</c>…</summary>
    public static string Matched(string signalType) => "x-vsr-matched-" + signalType switch
    {
        "keyword" => "keywords",
        "embedding" => "embeddings",
        "domain" => "domains",
        "preference" => "preference",
        _ => signalType.Replace('_', '-'),
    };

    public static string Confidence(double value) => value.ToString("0.0000", CultureInfo.InvariantCulture);
}
