using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace SemanticRouter.Core.OpenAI;

/// <summary>Source-generated JSON metadata for the types the router serializes on the hot path.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(JsonObject))]
[JsonSerializable(typeof(JsonNode))]
internal sealed partial class CoreJsonContext : JsonSerializerContext;
