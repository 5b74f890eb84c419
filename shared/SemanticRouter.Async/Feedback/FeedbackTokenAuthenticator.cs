using System.Security.Cryptography;
using System.Text;

namespace SemanticRouter.Async.Feedback;

/// <summary>
/// Authenticates webhook calls with a shared token (app setting <c>FEEDBACK_WEBHOOK_TOKEN</c>), sent as
/// <c>Authorization: Bearer &lt;token&gt;</c> or <c>x-feedback-token</c>. Both sides are hashed first so
/// the comparison is constant-time and independent of the token length. Without a configured
/// token the webhook refuses every call: feedback changes routing, so it is never open.
/// </summary>
internal sealed class FeedbackTokenAuthenticator
{
    public const string SettingName = "FEEDBACK_WEBHOOK_TOKEN";

    private readonly byte[]? _expectedHash;

    public FeedbackTokenAuthenticator(string? token)
    {
        if (!string.IsNullOrWhiteSpace(token))
        {
            if (token.Length < 16)
            {
                throw new InvalidOperationException($"{SettingName} must be at least 16 characters.");
            }

            _expectedHash = SHA256.HashData(Encoding.UTF8.GetBytes(token));
        }
    }

    public bool IsConfigured => _expectedHash is not null;

    public bool IsAuthorized(IReadOnlyDictionary<string, string> headers)
    {
        if (_expectedHash is null)
        {
            return false;
        }

        string? presented = null;
        if (headers.TryGetValue("authorization", out var auth) && auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            presented = auth["Bearer ".Length..].Trim();
        }
        else if (headers.TryGetValue("x-feedback-token", out var header))
        {
            presented = header.Trim();
        }

        if (presented is null || presented.Length > 1024)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), _expectedHash);
    }
}
