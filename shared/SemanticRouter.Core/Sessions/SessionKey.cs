using System.Security.Cryptography;
using System.Text;
using SemanticRouter.Core.OpenAI;

namespace SemanticRouter.Core.Sessions;

/// <summary>
/// The conversation a request belongs to: the client's <c>x-vsr-session-id</c> when it sends one, else the tenant,
/// the system prompt and the first user message — the part of a chat history that every later turn repeats. Either
/// way scoped by tenant and hashed (SHA-256, hex), so stores never hold prompt text or tenant ids.
/// </summary>
public static class SessionKey
{
    public const string Header = "x-vsr-session-id";

    /// <summary>The tenant header the auth layer sets from the API key (or a trusted gateway passes through).</summary>
    public const string TenantHeader = "x-authz-tenant-id";

    public const int MaxSessionIdLength = 256;

    /// <summary>The key, or null when the request has neither a session id nor a user message to key on.</summary>
    public static string? For(ChatRequest request, IReadOnlyDictionary<string, string> headers)
    {
        var tenant = headers.TryGetValue(TenantHeader, out var t) ? t : string.Empty;
        var text = new StringBuilder();
        text.Append("tenant\n").Append(tenant.Length).Append(':').Append(tenant).Append('\n');
        if (headers.TryGetValue(Header, out var id) && id.Length > 0)
        {
            if (id.Length > MaxSessionIdLength)
            {
                throw RouterException.BadRequest($"The {Header} header is longer than {MaxSessionIdLength} characters.", Header);
            }

            text.Append("session\n").Append(id);
            return Hash(text);
        }

        string? firstUser = null;
        var system = new StringBuilder();
        foreach (var m in request.Messages)
        {
            if (m.Role is "system" or "developer")
            {
                if (m.Text.Length == 0)
                {
                    // An empty system prompt (Anthropic clients send "system": "") is no system prompt.
                    continue;
                }

                system.Append(m.Text.Length).Append(':').Append(m.Text).Append('\n');
            }
            else if (m.Role == "user")
            {
                firstUser = m.Text;
                break;
            }
        }

        if (firstUser is null)
        {
            return null;
        }

        text.Append("system\n").Append(system).Append("user\n").Append(firstUser);
        return Hash(text);
    }

    private static string Hash(StringBuilder text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
}
