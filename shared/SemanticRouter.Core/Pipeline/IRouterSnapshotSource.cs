namespace SemanticRouter.Core.Pipeline;

/// <summary>Gives the router snapshot in force now; callers keep the one they got for the whole request.</summary>
public interface IRouterSnapshotSource
{
    RouterSnapshot Current { get; }
}
