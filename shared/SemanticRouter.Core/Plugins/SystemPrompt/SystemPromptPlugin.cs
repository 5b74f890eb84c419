using System.Text.Json.Nodes;
using SemanticRouter.Core.Config;
using SemanticRouter.Core.OpenAI;
using SemanticRouter.Core.Pipeline;

namespace SemanticRouter.Core.Plugins.SystemPrompt;

/// <summary>How the decision's prompt combines with a system message the client sent.</summary>
public enum SystemPromptMode
{
    /// <summary>Ours first, then the client's.</summary>
    Insert,

    /// <summary>Ours instead of the client's.</summary>
    Replace,

    /// <summary>The client's first, then ours.</summary>
    Append,
}

/// <summary><c>system_prompt</c>: injects a decision's system prompt into the upstream request.</summary>
public sealed class SystemPromptPlugin(string prompt, SystemPromptMode mode) : IRoutePlugin
{
    public string Type => Factory.TypeName;

    public ValueTask<RouterResponse?> OnRequestAsync(RoutingContext context, CancellationToken cancellationToken)
    {
        var messages = context.Request.MessagesNode;
        JsonObject? system = null;
        foreach (var m in messages)
        {
            if (m is JsonObject o && o["role"]?.GetValue<string>() is "system" or "developer")
            {
                system = o;
                break;
            }
        }

        if (system is null)
        {
            messages.Insert(0, new JsonObject { ["role"] = "system", ["content"] = prompt });
        }
        else
        {
            var existing = ChatRequest.ContentText(system["content"]);
            system["content"] = mode switch
            {
                SystemPromptMode.Replace => prompt,
                SystemPromptMode.Append => existing.Length == 0 ? prompt : existing + "\n\n" + prompt,
                _ => existing.Length == 0 ? prompt : prompt + "\n\n" + existing,
            };
        }

        context.Request.MessagesChanged();
        context.SystemPromptInjected = true;
        return ValueTask.FromResult<RouterResponse?>(null);
    }

    /// <summary>Binds <c>{system_prompt, mode}</c>.</summary>
    public sealed class Factory : IPluginFactory
    {
        public const string TypeName = "system_prompt";

        public string Type => TypeName;

        public object? Bind(ConfigNode configuration)
        {
            configuration.CheckKeys("system_prompt", "mode", "enabled");
            var prompt = configuration.String("system_prompt", required: true);
            var mode = configuration.Enum("mode", "insert", "replace", "append") switch
            {
                "replace" => SystemPromptMode.Replace,
                "append" => SystemPromptMode.Append,
                _ => SystemPromptMode.Insert,
            };
            return prompt is null ? null : new Settings(prompt, mode);
        }

        public IRoutePlugin Create(object settings, PluginCreationContext context)
        {
            var s = (Settings)settings;
            return new SystemPromptPlugin(s.Prompt, s.Mode);
        }

        private sealed record Settings(string Prompt, SystemPromptMode Mode);
    }
}
