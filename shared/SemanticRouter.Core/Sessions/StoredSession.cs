namespace SemanticRouter.Core.Sessions;

/// <summary>A record as read from a store, with the version (an ETag for the table store) a conditional write must name.</summary>
public sealed record StoredSession(SessionRecord Record, string Version);
