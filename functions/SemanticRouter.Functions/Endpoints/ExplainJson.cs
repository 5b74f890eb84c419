using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace SemanticRouter.Functions.Endpoints;

/// <summary>Serializer options for signal details in explain output (reflection is fine off the hot path).</summary>
internal static class ExplainJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
    };
}
