namespace SemanticRouter.Inference.Tests;

/// <summary>
/// Tests that compare the process-wide live ORT handle count run alone, so other tests' sessions cannot move it.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NativeHandleCollection
{
    public const string Name = "native handle counting";
}
