using System.Text.Json.Serialization;
using SemanticRouter.Async.Feedback;
using SemanticRouter.Async.HaluGate;

namespace SemanticRouter.Async;

/// <summary>Source-generated JSON for queue messages, audit results and ratings (snake_case on the wire).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(FeedbackMessage))]
[JsonSerializable(typeof(RatingsDocument))]
[JsonSerializable(typeof(AuditMessage))]
[JsonSerializable(typeof(AuditResult))]
internal sealed partial class AsyncJsonContext : JsonSerializerContext;
