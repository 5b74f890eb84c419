using System.Globalization;
using SemanticRouter.Core.Observability;
using SemanticRouter.Core.OpenAI;
using SemanticRouter.Core.Pipeline;
using SemanticRouter.Functions.Endpoints;

namespace SemanticRouter.Functions.Operations.Auth;

/// <summary>
/// Puts API-key auth and per-key limits in front of one function, for both the standalone server
/// and the Functions isolated worker (both serve through RouterHttpEndpoint). When auth
/// is on, client-sent identity headers are replaced by the key's tenant (the semantic cache
/// partitions on them) and the presented credential is not passed further.
/// </summary>
internal sealed class AuthorizedFunction(IRouterFunction inner, IRouterSnapshotSource snapshots, KeyLimits limits, RouterMetrics metrics) : IRouterFunction
{
    public const string TenantHeader = "x-authz-tenant-id";
    public const string UserHeader = "x-authz-user-id";

    public string Name => inner.Name;

    public string Route => inner.Route;

    public IReadOnlyList<string> Methods => inner.Methods;

    public bool IsManagement => inner.IsManagement;

    public RouterResponse Error(RouterException e) => inner.Error(e);

    /// <summary>Wraps every function of the app (call once when mapping endpoints).</summary>
    public static IReadOnlyList<IRouterFunction> WrapAll(IServiceProvider services, IEnumerable<IRouterFunction> functions)
    {
        var snapshots = services.GetRequiredService<IRouterSnapshotSource>();
        var limits = services.GetRequiredService<KeyLimits>();
        var metrics = services.GetRequiredService<RouterMetrics>();
        return functions.Select(f => (IRouterFunction)new AuthorizedFunction(f, snapshots, limits, metrics)).ToList();
    }

    public async Task<RouterResponse> InvokeAsync(RouterRequest request, CancellationToken cancellationToken)
    {
        var settings = AuthSettings.From(snapshots.Current.Config);
        if (!settings.Enabled)
        {
            return await inner.InvokeAsync(request, cancellationToken).ConfigureAwait(false);
        }

        if (AnonymousFunctions.Names.Contains(inner.Name))
        {
            return await inner.InvokeAsync(request with { Headers = Trusted(request.Headers, null) }, cancellationToken).ConfigureAwait(false);
        }

        var presented = ApiKeyAuthenticator.PresentedKey(request.Headers);
        if (presented is null)
        {
            return Refuse(401, "authentication_error", "missing_api_key", "No API key given. Send it as `Authorization: Bearer <key>`, `api-key`, or `x-functions-key`.", "missing");
        }

        var key = ApiKeyAuthenticator.Match(presented, settings.Keys);
        if (key is null)
        {
            return Refuse(401, "authentication_error", "invalid_api_key", "The API key is not valid.", "invalid");
        }

        if (inner.IsManagement && !key.IsAdmin)
        {
            return Refuse(403, "permission_error", "admin_key_required", $"/{inner.Route} is a management endpoint and needs an admin key.", "not_admin");
        }

        if (key.Models.Count > 0 && RequestModel.Read(request.Body.Span) is { } model && !key.Models.Contains(model, StringComparer.Ordinal))
        {
            return Refuse(403, "permission_error", "model_not_allowed", $"This API key may not use model \"{model}\" (allowed: {string.Join(", ", key.Models)}).", "model_not_allowed");
        }

        var (requests, tokens) = limits.For(key);
        if (requests is not null && !requests.TryAcquire())
        {
            metrics.RateLimited("requests");
            return WithLimitHeaders(RateLimited(inner, requests, "requests"), requests, tokens);
        }

        if (tokens is not null && tokens.Remaining <= 0)
        {
            metrics.RateLimited("tokens");
            return WithLimitHeaders(RateLimited(inner, tokens, "tokens"), requests, tokens);
        }

        var response = await inner.InvokeAsync(request with { Headers = Trusted(request.Headers, key) }, cancellationToken).ConfigureAwait(false);
        if (tokens is not null)
        {
            response = ChargeTokens(response, tokens);
        }

        return WithLimitHeaders(response, requests, tokens);
    }

    /// <summary>Drops credentials and client-asserted identity, then asserts the key's tenant.</summary>
    private static Dictionary<string, string> Trusted(IReadOnlyDictionary<string, string> headers, ApiKey? key)
    {
        var copy = new Dictionary<string, string>(headers.Count + 1, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in headers)
        {
            if (name.Equals(TenantHeader, StringComparison.OrdinalIgnoreCase) || name.Equals(UserHeader, StringComparison.OrdinalIgnoreCase) || Array.IndexOf(ApiKeyAuthenticator.CredentialHeaders, name.ToLowerInvariant()) >= 0)
            {
                continue;
            }

            copy[name] = value;
        }

        if (key is not null)
        {
            copy[TenantHeader] = key.Tenant;
        }

        return copy;
    }

    private RouterResponse Refuse(int status, string type, string code, string message, string reason)
    {
        metrics.AuthFailure(reason);
        var response = inner.Error(new RouterException(status, type, code, message));
        if (status == 401)
        {
            response.Headers["www-authenticate"] = "Bearer";
        }

        return response;
    }

    private static RouterResponse RateLimited(IRouterFunction function, WindowLimiter limiter, string kind)
    {
        var response = function.Error(new RouterException(429, "rate_limit_error", "rate_limit_exceeded", $"Rate limit reached for {kind} ({limiter.Limit} per minute). Retry after the reset."));
        response.Headers["retry-after"] = Seconds(limiter.ResetIn);
        return response;
    }

    /// <summary>Charges the answer's reported usage to the key's token budget (after the stream ends for SSE).</summary>
    private static RouterResponse ChargeTokens(RouterResponse response, WindowLimiter tokens)
    {
        if (response.StreamBody is not { } body)
        {
            if (response.StatusCode is >= 200 and < 300 && TokenUsage.FromJson(response.Body.Span) is { } usage)
            {
                tokens.Charge(usage.PromptTokens + usage.CompletionTokens);
            }

            return response;
        }

        var charged = new RouterResponse
        {
            StatusCode = response.StatusCode,
            ContentType = response.ContentType,
            StreamBody = async (client, ct) =>
            {
                var observed = new ObservedStream(client);
                try
                {
                    await body(observed, ct).ConfigureAwait(false);
                }
                finally
                {
                    if (TokenUsage.FromSseTail(observed.Tail) is { } usage)
                    {
                        tokens.Charge(usage.PromptTokens + usage.CompletionTokens);
                    }
                }
            },
        };
        foreach (var (name, value) in response.Headers)
        {
            charged.Headers[name] = value;
        }

        return charged;
    }

    private static RouterResponse WithLimitHeaders(RouterResponse response, WindowLimiter? requests, WindowLimiter? tokens)
    {
        var h = response.Headers;
        if (requests is not null)
        {
            h["x-ratelimit-limit"] = requests.Limit.ToString(CultureInfo.InvariantCulture);
            h["x-ratelimit-remaining"] = requests.Remaining.ToString(CultureInfo.InvariantCulture);
            h["x-ratelimit-reset"] = Seconds(requests.ResetIn);
        }

        if (tokens is not null)
        {
            h["x-ratelimit-limit-tokens"] = tokens.Limit.ToString(CultureInfo.InvariantCulture);
            h["x-ratelimit-remaining-tokens"] = tokens.Remaining.ToString(CultureInfo.InvariantCulture);
            h["x-ratelimit-reset-tokens"] = Seconds(tokens.ResetIn);
        }

        return response;
    }

    private static string Seconds(TimeSpan span) => ((long)Math.Ceiling(span.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}
