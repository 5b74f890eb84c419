using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SemanticRouter.Core.Pipeline;

namespace SemanticRouter.Cache.Keys;

/// <summary>
/// Derives a request's <see cref="CacheKey"/>. The fingerprint is the whole request body with keys
/// sorted, minus fields that do not change the answer (<c>model</c> is keyed separately; <c>stream</c>,
/// <c>stream_options</c>, <c>user</c>, <c>metadata</c>, <c>store</c>), and with the last user message's
/// content replaced by a placeholder — so the system prompt, earlier turns, sampling parameters,
/// tools and response_format all have to match. Unknown fields count, so a new parameter can only
/// cause misses, never a wrong hit.
/// </summary>
internal static class CacheKeyBuilder
{
    private static readonly HashSet<string> IgnoredFields = new(StringComparer.Ordinal)
    {
        "model", "stream", "stream_options", "user", "metadata", "store",
    };

    public static CacheKey Build(RoutingContext context, CacheScope scope, string embedderName, bool entityGuard, ContentGuardMode contentGuard)
    {
        var tenant = TrustedIdentity.Tenant(context.Headers);
        var user = TrustedIdentity.User(context.Headers);
        var request = context.Request;
        var model = context.SelectedModel?.Name ?? request.Model;
        var lastUser = request.LastUserText;

        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        AppendField(sha, "v1");
        AppendField(sha, tenant);
        AppendField(sha, scope == CacheScope.User ? user : "*");
        AppendField(sha, request.Model);
        AppendField(sha, model);
        AppendField(sha, context.Decision?.Decision.Name ?? string.Empty);
        AppendField(sha, embedderName);
        AppendField(sha, entityGuard ? SalientTokens.Signature(lastUser) : string.Empty);

        // Entries written with the content guard are only compared with lookups that apply it.
        AppendField(sha, contentGuard switch { ContentGuardMode.Strict => "content-guard-strict", ContentGuardMode.Substitution => "content-guard", _ => string.Empty });
        sha.AppendData(Fingerprint(request.Body));
        var partition = Convert.ToHexStringLower(sha.GetHashAndReset());

        AppendField(sha, partition);
        AppendField(sha, NormaliseForExactMatch(lastUser));
        var exact = Convert.ToHexStringLower(sha.GetHashAndReset());
        return new CacheKey(tenant, scope == CacheScope.User ? user : string.Empty, model, partition, exact,
            contentGuard == ContentGuardMode.Off ? null : NearMissGuard.Terms(lastUser), contentGuard == ContentGuardMode.Strict);
    }

    /// <summary>Canonical JSON of what changes the answer (see the type summary).</summary>
    internal static byte[] Fingerprint(JsonObject body)
    {
        using var buffer = new MemoryStream(512);
        using (var w = new Utf8JsonWriter(buffer))
        {
            var lastUserIndex = -1;
            if (body["messages"] is JsonArray messages)
            {
                for (var i = messages.Count - 1; i >= 0; i--)
                {
                    if (messages[i] is JsonObject m && m["role"] is JsonValue r && r.TryGetValue<string>(out var role) && role == "user")
                    {
                        lastUserIndex = i;
                        break;
                    }
                }
            }

            w.WriteStartObject();
            foreach (var (name, value) in body.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                if (IgnoredFields.Contains(name))
                {
                    continue;
                }

                w.WritePropertyName(name);
                if (name == "messages" && value is JsonArray list)
                {
                    w.WriteStartArray();
                    for (var i = 0; i < list.Count; i++)
                    {
                        if (i == lastUserIndex && list[i] is JsonObject last)
                        {
                            WriteCanonical(w, last, skipContent: true);
                        }
                        else
                        {
                            WriteCanonical(w, list[i], skipContent: false);
                        }
                    }

                    w.WriteEndArray();
                    continue;
                }

                WriteCanonical(w, value, skipContent: false);
            }

            w.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>Exact matching forgives surrounding and repeated whitespace only.</summary>
    internal static string NormaliseForExactMatch(string text)
    {
        var sb = new StringBuilder(text.Length);
        var space = false;
        foreach (var c in text.AsSpan().Trim())
        {
            if (char.IsWhiteSpace(c))
            {
                space = true;
                continue;
            }

            if (space)
            {
                sb.Append(' ');
                space = false;
            }

            sb.Append(c);
        }

        return sb.ToString();
    }

    private static void WriteCanonical(Utf8JsonWriter w, JsonNode? node, bool skipContent)
    {
        switch (node)
        {
            case null:
                w.WriteNullValue();
                break;
            case JsonObject o:
                w.WriteStartObject();
                foreach (var (name, value) in o.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    w.WritePropertyName(name);
                    if (skipContent && name == "content")
                    {
                        w.WriteStringValue("\u0000last-user-message");
                        continue;
                    }

                    WriteCanonical(w, value, skipContent: false);
                }

                w.WriteEndObject();
                break;
            case JsonArray a:
                w.WriteStartArray();
                foreach (var item in a)
                {
                    WriteCanonical(w, item, skipContent: false);
                }

                w.WriteEndArray();
                break;
            default:
                node.WriteTo(w);
                break;
        }
    }

    private static void AppendField(IncrementalHash sha, string value)
    {
        sha.AppendData(Encoding.UTF8.GetBytes(value));
        sha.AppendData([0]);
    }
}
