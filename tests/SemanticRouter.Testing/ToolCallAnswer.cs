namespace SemanticRouter.Testing;

/// <summary>A tool call a loopback backend answers with: its id, the function's name and its JSON arguments.</summary>
public sealed record ToolCallAnswer(string Id, string Name, string Arguments);
