using SemanticRouter.Core.Config;
using SemanticRouter.Core.Pipeline;

namespace SemanticRouter.Core.Plugins.HeaderMutation;

/// <summary><c>header_mutation</c>: adds, updates or deletes headers on the upstream request.</summary>
public sealed class HeaderMutationPlugin(IReadOnlyList<KeyValuePair<string, string>> add, IReadOnlyList<KeyValuePair<string, string>> update, IReadOnlyList<string> delete) : IRoutePlugin
{
    private static readonly string[] Protected = ["host", "content-length", "transfer-encoding", "connection", "upgrade", "te", "trailer", "keep-alive", "proxy-connection"];

    public string Type => Factory.TypeName;

    public ValueTask<RouterResponse?> OnRequestAsync(RoutingContext context, CancellationToken cancellationToken)
    {
        var mutations = context.UpstreamHeaderMutations;
        foreach (var name in delete)
        {
            mutations[name] = null;
        }

        foreach (var (name, value) in add)
        {
            // "add" never overwrites what the client or an earlier plugin set.
            if (!context.Headers.ContainsKey(name.ToLowerInvariant()) && !(mutations.TryGetValue(name, out var v) && v is not null))
            {
                mutations[name] = value;
            }
        }

        foreach (var (name, value) in update)
        {
            mutations[name] = value;
        }

        return ValueTask.FromResult<RouterResponse?>(null);
    }

    /// <summary>Binds <c>{add: [{name, value}], update: [{name, value}], delete: [names]}</c>, rejecting unsafe headers.</summary>
    public sealed class Factory : IPluginFactory
    {
        public const string TypeName = "header_mutation";

        public string Type => TypeName;

        public object? Bind(ConfigNode configuration)
        {
            configuration.CheckKeys("add", "update", "delete", "enabled");
            var add = Pairs(configuration["add"]);
            var update = Pairs(configuration["update"]);
            var delete = configuration.StringList("delete");
            var items = configuration["delete"].Items();
            for (var i = 0; i < delete.Count; i++)
            {
                CheckName(items.Count > i ? items[i] : configuration["delete"], delete[i]);
            }

            return new Settings(add, update, delete);
        }

        public IRoutePlugin Create(object settings, PluginCreationContext context)
        {
            var s = (Settings)settings;
            return new HeaderMutationPlugin(s.Add, s.Update, s.Delete);
        }

        private static List<KeyValuePair<string, string>> Pairs(ConfigNode list)
        {
            var result = new List<KeyValuePair<string, string>>();
            foreach (var item in list.Items())
            {
                item.CheckKeys("name", "value");
                var name = item.String("name", required: true);
                var value = item.String("value", required: true);
                if (name is null || value is null)
                {
                    continue;
                }

                if (!CheckName(item["name"], name))
                {
                    continue;
                }

                if (!HeaderValues.IsValidValue(value))
                {
                    item["value"].Error("header values must not contain CR, LF or other control characters");
                    continue;
                }

                result.Add(new(name, value));
            }

            return result;
        }

        private static bool CheckName(ConfigNode node, string name)
        {
            if (!HeaderValues.IsValidName(name))
            {
                node.Error($"\"{name}\" is not a valid header name");
                return false;
            }

            if (Array.IndexOf(Protected, name.ToLowerInvariant()) >= 0)
            {
                node.Error($"\"{name}\" is managed by the router and cannot be mutated");
                return false;
            }

            return true;
        }

        private sealed record Settings(List<KeyValuePair<string, string>> Add, List<KeyValuePair<string, string>> Update, IReadOnlyList<string> Delete);
    }
}
