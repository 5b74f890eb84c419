namespace SemanticRouter.Core.OpenAI;

/// <summary>The text view of one chat message (text parts joined), for signals.</summary>
public sealed record ChatMessageView(int Index, string Role, string Text);
