using System.Text.Json;

namespace SemanticRouter.Functions.Endpoints;

/// <summary>Something that must be ready before the router takes traffic (e.g. models loading from Blob).</summary>
internal interface IReadinessCheck
{
    string Name { get; }

    bool IsReady { get; }

    /// <summary>Writes progress details (a JSON value) for the <c>/ready</c> body.</summary>
    void WriteProgress(Utf8JsonWriter writer);
}
