using System.Text.Json.Serialization;
using SemanticRouter.Async.HaluGate;

namespace SemanticRouter.Functions.Endpoints;

/// <summary>Source-generated JSON for the queue functions' management endpoints.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(Dictionary<string, long>))]
[JsonSerializable(typeof(AuditResult))]
internal sealed partial class EndpointsJsonContext : JsonSerializerContext;
