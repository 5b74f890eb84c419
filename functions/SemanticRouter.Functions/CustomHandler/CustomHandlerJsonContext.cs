using System.Text.Json.Serialization;

namespace SemanticRouter.Functions.CustomHandler;

[JsonSerializable(typeof(string))]
internal sealed partial class CustomHandlerJsonContext : JsonSerializerContext;
