using System.Text.RegularExpressions;
using SemanticRouter.Core.Decisions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace SemanticRouter.Core.Config;

/// <summary>
/// Parses YAML into a validated <see cref="RouterConfig"/>, reporting every problem with its YAML
/// path (unknown keys, wrong types, unknown models or signals, bad regexes, duplicates…).
/// </summary>
public sealed partial class RouterConfigLoader(RouterExtensions extensions, Func<string, string?>? environment = null)
{
    private const string AzureProvider = "azure-openai";

    public RouterExtensions Extensions { get; } = extensions;

    public RouterConfig LoadFile(string path) => Load(File.ReadAllText(path));

    /// <summary>Loads and validates; throws <see cref="ConfigValidationException"/> listing every problem.</summary>
    public RouterConfig Load(string yaml)
    {
        var (config, errors) = TryLoad(yaml);
        if (errors.Count > 0)
        {
            throw new ConfigValidationException(errors);
        }

        return config!;
    }

    public (RouterConfig? Config, IReadOnlyList<ConfigError> Errors) TryLoad(string yaml)
    {
        var errors = new List<ConfigError>();
        yaml = EnvironmentExpander.Expand(yaml, environment ?? Environment.GetEnvironmentVariable, errors);
        if (errors.Count > 0)
        {
            return (null, errors);
        }

        YamlNode? rootNode = null;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(yaml));
            rootNode = stream.Documents.Count > 0 ? stream.Documents[0].RootNode : null;
        }
        catch (YamlException e)
        {
            errors.Add(new ConfigError("(document)", "YAML syntax error: " + e.Message, (int)e.Start.Line));
            return (null, errors);
        }

        var root = new ConfigNode(rootNode, string.Empty, errors);
        if (!root.IsMapping)
        {
            errors.Add(new ConfigError("(document)", "the config must be a YAML mapping with version, providers, routing and global"));
            return (null, errors);
        }

        root.CheckKeys("version", "providers", "routing", "global");
        var version = root.String("version", required: true) ?? "v1";
        var providers = BindProviders(root["providers"]);
        var global = BindGlobal(root["global"]);
        var routing = BindRouting(root["routing"], providers);
        if (errors.Count > 0)
        {
            return (null, errors);
        }

        return (new RouterConfig(version, providers, routing, global), errors);
    }

    private ProvidersConfig BindProviders(ConfigNode node)
    {
        if (!node.Exists)
        {
            node.Error("is required (at least one model and default_model)");
            return new ProvidersConfig(null, []);
        }

        node.CheckKeys("default_model", "models", "defaults");
        var defaults = node["defaults"];
        defaults.CheckKeys("default_model", "default_reasoning_effort", "reasoning_families");
        var reasoning = BindReasoning(defaults);
        var defaultModelNode = node["default_model"].Exists ? node["default_model"] : defaults["default_model"];
        var defaultModel = defaultModelNode.String();

        var models = new List<ModelConfig>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var modelNodes = node["models"].Items();
        if (modelNodes.Count == 0)
        {
            node["models"].Error("must list at least one model");
        }

        foreach (var m in modelNodes)
        {
            var model = BindModel(m, reasoning);
            if (model is null)
            {
                continue;
            }

            if (!names.Add(model.Name))
            {
                m["name"].Error($"duplicate model name \"{model.Name}\"");
            }

            models.Add(model);
        }

        if (defaultModel is null)
        {
            node["default_model"].Error("is required: the model used when no decision matches");
        }
        else if (!names.Contains(defaultModel) && modelNodes.Count > 0)
        {
            defaultModelNode.Error($"unknown model \"{defaultModel}\" (defined: {string.Join(", ", names)})");
        }

        return new ProvidersConfig(defaultModel, models) { Reasoning = reasoning };
    }

    /// <summary><c>providers.defaults.default_reasoning_effort</c> and <c>reasoning_families</c> (merged over the built-ins).</summary>
    private static ReasoningSettings BindReasoning(ConfigNode defaults)
    {
        var effort = defaults.Enum("default_reasoning_effort", ReasoningSettings.EffortLevels) ?? ReasoningSettings.DefaultEffortLevel;
        var families = new Dictionary<string, ReasoningFamilyConfig>(ReasoningSettings.BuiltInFamilies, StringComparer.Ordinal);
        var node = defaults["reasoning_families"];
        if (node.Exists && !node.IsMapping)
        {
            node.Error("must be a mapping of family name to {type, parameter}");
        }

        foreach (var (name, f) in node.Entries())
        {
            f.CheckKeys("type", "parameter");
            var typeName = f.Enum("type", "chat_template_kwargs", "reasoning_effort", "top_level_reasoning_effort");
            if (!f["type"].Exists)
            {
                f["type"].Error("is required: chat_template_kwargs | reasoning_effort | top_level_reasoning_effort");
            }

            var parameter = f.String("parameter", required: true);
            if (parameter is not null && !ParameterName().IsMatch(parameter))
            {
                f["parameter"].Error($"must be a JSON field name (letters, digits, _ or -), got \"{parameter}\"");
                parameter = null;
            }

            if (typeName is not null && parameter is not null)
            {
                families[name] = new ReasoningFamilyConfig(ReasoningFamilyConfig.ParseType(typeName)!.Value, parameter);
            }
        }

        return new ReasoningSettings(effort, families);
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_-]{0,63}$")]
    private static partial Regex ParameterName();

    private static ModelConfig? BindModel(ConfigNode m, ReasoningSettings reasoning)
    {
        m.CheckKeys("name", "provider_model_id", "backend_refs", "api_key_env", "api_key", "auth_header", "auth_prefix", "provider", "api_version", "deployment", "chat_path", "extra_headers", "pricing", "timeout_seconds", "reasoning_family", "api_format", "reliability");
        var name = m.String("name", required: true);
        if (m["api_key"].Exists)
        {
            m["api_key"].Error("secrets are not read from config files; put the key in an environment variable or app setting and name it with api_key_env");
        }

        if (m.String("api_format") == "responses")
        {
            // Native Responses API backends are not built (issue 18): /v1/responses reaches every backend as chat completions.
            m["api_format"].Error("responses is not supported (the router calls backends with chat completions; /v1/responses requests are translated, see docs/api.md); remove api_format");
        }

        var apiFormat = m.Enum("api_format", "openai", "chat_completions", "anthropic", "responses") == "anthropic" ? ApiFormat.Anthropic : ApiFormat.ChatCompletions;
        var modelProvider = m.Enum("provider", "openai", "vllm", AzureProvider);
        if (apiFormat == ApiFormat.Anthropic && modelProvider == AzureProvider)
        {
            m["api_format"].Error("anthropic cannot be combined with provider azure-openai (Azure OpenAI speaks Chat Completions)");
        }

        var inherited = new BackendDefaults(
            modelProvider,
            m.String("api_key_env"),
            m.String("auth_header"),
            m.String("auth_prefix"),
            m.String("api_version"),
            m.String("deployment"),
            m.String("chat_path"),
            m.StringMap("extra_headers"),
            apiFormat);

        var backends = new List<BackendRefConfig>();
        var backendNames = new HashSet<string>(StringComparer.Ordinal);
        var refs = m["backend_refs"].Items();
        if (refs.Count == 0)
        {
            m["backend_refs"].Error("must list at least one backend (base_url)");
        }

        for (var i = 0; i < refs.Count; i++)
        {
            var backend = BindBackend(refs[i], name ?? "model", i, inherited);
            if (backend is null)
            {
                continue;
            }

            if (!backendNames.Add(backend.Name))
            {
                refs[i]["name"].Error($"duplicate backend name \"{backend.Name}\"");
            }

            backends.Add(backend);
        }

        if (backends.Count > 0 && backends.All(b => b.Weight == 0))
        {
            m["backend_refs"].Error("at least one backend needs a weight above 0");
        }

        PricingConfig? pricing = null;
        var p = m["pricing"];
        if (p.Exists)
        {
            p.CheckKeys("currency", "prompt_per_1m", "completion_per_1m", "cached_input_per_1m");
            pricing = new PricingConfig(p.StringOr("currency", "USD"), p.Double("prompt_per_1m", 0) ?? 0, p.Double("completion_per_1m", 0) ?? 0) { CachedInputPer1M = p.Double("cached_input_per_1m", 0) };
        }

        var timeout = m.Double("timeout_seconds", 0.1, 3600);
        var family = m.String("reasoning_family");
        if (family is not null && !reasoning.Families.ContainsKey(family))
        {
            m["reasoning_family"].Error($"unknown reasoning family \"{family}\" (built-in or in providers.defaults.reasoning_families: {string.Join(", ", reasoning.Families.Keys.Order(StringComparer.Ordinal))})");
        }

        var reliability = BindReliability(m["reliability"]);
        if (name is null)
        {
            return null;
        }

        return new ModelConfig(name, m.String("provider_model_id") ?? name, backends, pricing, timeout is null ? null : TimeSpan.FromSeconds(timeout.Value), reliability) { ReasoningFamily = family, ApiFormat = apiFormat };
    }

    private static ReliabilityConfig BindReliability(ConfigNode r)
    {
        var d = ReliabilityConfig.Default;
        if (!r.Exists)
        {
            return d;
        }

        r.CheckKeys("lb_policy", "retry_count", "retry_on", "consecutive_5xx", "base_ejection_time", "max_ejection_time", "max_ejection_percent", "health_check_path", "health_check_interval", "health_check_timeout");
        var policy = r.Enum("lb_policy", "random", "round_robin", "least_request") switch
        {
            "round_robin" => LoadBalancingPolicy.RoundRobin,
            "least_request" => LoadBalancingPolicy.LeastRequest,
            _ => d.LbPolicy,
        };

        var retryOn = d.RetryOn;
        if (r.String("retry_on") is { } retryText)
        {
            // Envoy's comma-separated list; an empty string means "never retry".
            retryOn = RetryOn.None;
            foreach (var item in retryText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                switch (item.ToLowerInvariant())
                {
                    case "5xx": retryOn |= RetryOn.ServerError; break;
                    case "gateway-error": retryOn |= RetryOn.GatewayError; break;
                    case "connect-failure": retryOn |= RetryOn.ConnectFailure; break;
                    case "reset" or "refused-stream": retryOn |= RetryOn.Reset; break;
                    case "retriable-status-codes": retryOn |= RetryOn.RateLimited; break;
                    default:
                        r["retry_on"].Error($"unknown condition \"{item}\" (use 5xx, gateway-error, connect-failure, reset, refused-stream, retriable-status-codes)");
                        break;
                }
            }
        }

        var baseTime = r.Duration("base_ejection_time", TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(24)) ?? d.BaseEjectionTime;
        var maxTime = r.Duration("max_ejection_time", TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(24)) ?? (baseTime > d.MaxEjectionTime ? baseTime : d.MaxEjectionTime);
        if (maxTime < baseTime)
        {
            r["max_ejection_time"].Error($"must not be shorter than base_ejection_time ({baseTime.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}s)");
        }

        var path = r.String("health_check_path");
        if (path is not null && (!path.StartsWith('/') || path.Contains('?', StringComparison.Ordinal) || !Uri.IsWellFormedUriString(path, UriKind.Relative)))
        {
            r["health_check_path"].Error($"must be an absolute path on the backend's host such as /health, got \"{path}\"");
        }

        var interval = r.Duration("health_check_interval", TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1)) ?? d.HealthCheckInterval;
        var probeTimeout = r.Duration("health_check_timeout", TimeSpan.FromMilliseconds(50), TimeSpan.FromMinutes(5)) ?? d.HealthCheckTimeout;
        if (path is null && (r["health_check_interval"].Exists || r["health_check_timeout"].Exists))
        {
            r["health_check_path"].Error("is required when health_check_interval or health_check_timeout is set (active checks probe this path)");
        }

        return new ReliabilityConfig(
            policy,
            r.Int("retry_count", 0, 16),
            retryOn,
            r.Int("consecutive_5xx", 0, 1000) ?? d.Consecutive5xx,
            baseTime,
            maxTime,
            r.Int("max_ejection_percent", 0, 100) ?? d.MaxEjectionPercent,
            path,
            interval,
            probeTimeout);
    }

    private sealed record BackendDefaults(string? Provider, string? ApiKeyEnv, string? AuthHeader, string? AuthPrefix, string? ApiVersion, string? Deployment, string? ChatPath, IReadOnlyDictionary<string, string> ExtraHeaders, ApiFormat ApiFormat);

    private static BackendRefConfig? BindBackend(ConfigNode b, string modelName, int index, BackendDefaults inherited)
    {
        b.CheckKeys("name", "base_url", "endpoint", "protocol", "type", "weight", "provider", "api_key_env", "api_key", "auth_header", "auth_prefix", "api_version", "deployment", "chat_path", "extra_headers");
        if (b["api_key"].Exists)
        {
            b["api_key"].Error("secrets are not read from config files; use api_key_env");
        }

        // The anchor's backend type: both kinds speak Chat Completions here, so it is checked and changes nothing.
        b.Enum("type", "vllm", "chat");
        var provider = b.Enum("provider", "openai", "vllm", AzureProvider) ?? inherited.Provider ?? "openai";
        var kind = provider == AzureProvider ? ProviderKind.AzureOpenAI : ProviderKind.OpenAI;
        Uri? baseUrl = null;
        var raw = b.String("base_url");
        if (raw is null && b["endpoint"].Exists)
        {
            // Anchor shape: endpoint host:port + protocol.
            var scheme = b.Enum("protocol", "http", "https") ?? "http";
            raw = $"{scheme}://{b.String("endpoint")}/v1";
        }

        if (raw is null)
        {
            b["base_url"].Error("is required (e.g. http://127.0.0.1:8000/v1)");
        }
        else if (!Uri.TryCreate(raw, UriKind.Absolute, out baseUrl) || (baseUrl.Scheme != Uri.UriSchemeHttp && baseUrl.Scheme != Uri.UriSchemeHttps) || !string.IsNullOrEmpty(baseUrl.Query))
        {
            (b["base_url"].Exists ? b["base_url"] : b["endpoint"]).Error($"must be an absolute http(s) URL without a query, got \"{raw}\"");
            baseUrl = null;
        }

        var apiVersion = b.String("api_version") ?? inherited.ApiVersion;
        if (kind == ProviderKind.AzureOpenAI && apiVersion is null)
        {
            b["api_version"].Error("is required for provider azure-openai (e.g. 2024-10-21)");
        }

        var weight = b.Int("weight", 0, 1_000_000) ?? 1;
        var extra = new Dictionary<string, string>(inherited.ExtraHeaders, StringComparer.OrdinalIgnoreCase);
        foreach (var (k, v) in b.StringMap("extra_headers"))
        {
            extra[k] = v;
        }

        foreach (var (k, v) in extra)
        {
            if (!HeaderValues.IsValidName(k) || !HeaderValues.IsValidValue(v))
            {
                b["extra_headers"].Error($"header \"{k}\" has an invalid name or value (no control characters or CR/LF)");
            }
        }

        if (kind == ProviderKind.AzureOpenAI && inherited.ApiFormat == ApiFormat.Anthropic && b["provider"].Exists)
        {
            b["provider"].Error("azure-openai cannot serve a model with api_format anthropic");
        }

        // Anthropic's API takes the key bare in x-api-key; Azure OpenAI in api-key; everything else as a bearer token.
        var authHeader = b.String("auth_header") ?? inherited.AuthHeader ?? (kind == ProviderKind.AzureOpenAI ? "api-key" : inherited.ApiFormat == ApiFormat.Anthropic ? "x-api-key" : "Authorization");
        var authPrefix = b.String("auth_prefix") ?? inherited.AuthPrefix ?? (kind == ProviderKind.AzureOpenAI || inherited.ApiFormat == ApiFormat.Anthropic ? string.Empty : "Bearer ");
        if (baseUrl is null)
        {
            return null;
        }

        return new BackendRefConfig(
            b.String("name") ?? $"{modelName}-{index}",
            baseUrl,
            weight,
            kind,
            b.String("api_key_env") ?? inherited.ApiKeyEnv,
            authHeader,
            authPrefix,
            apiVersion,
            b.String("deployment") ?? inherited.Deployment,
            b.String("chat_path") ?? inherited.ChatPath,
            extra);
    }

    private GlobalConfig BindGlobal(ConfigNode node)
    {
        var extensionRoots = Extensions.GlobalSections.Select(s => s.Path.Split('.')[0]).Distinct(StringComparer.Ordinal).ToArray();
        node.CheckKeys(["router", "upstream", .. extensionRoots]);
        string[] ExtensionChildren(string root) =>
            Extensions.GlobalSections.Where(s => s.Path.Contains('.', StringComparison.Ordinal) && s.Path.Split('.')[0] == root).Select(s => s.Path.Split('.')[1]).ToArray();

        foreach (var root in extensionRoots)
        {
            var children = ExtensionChildren(root);
            if (children.Length > 0 && root != "router")
            {
                node[root].CheckKeys(children);
            }
        }

        var r = node["router"];

        // Extensions may live below global.router (router.session_affinity) next to the router's own keys.
        r.CheckKeys(["auto_model_names", "auto_model_name", "include_config_models_in_list", "max_body_bytes", "max_messages", .. ExtensionChildren("router")]);
        var autoNames = r.StringList("auto_model_names").ToList();
        if (r.String("auto_model_name") is { } single && !autoNames.Contains(single))
        {
            autoNames.Add(single);
        }

        if (r["auto_model_names"].Exists && autoNames.Count == 0)
        {
            r["auto_model_names"].Error("must list at least one name (e.g. MoM)");
        }

        var d = RouterSettings.Default;
        var router = new RouterSettings(
            autoNames.Count > 0 ? autoNames : d.AutoModelNames,
            r.Bool("include_config_models_in_list") ?? d.IncludeConfigModelsInList,
            (long?)r.Double("max_body_bytes", 1024, 256 * 1024 * 1024) ?? d.MaxBodyBytes,
            r.Int("max_messages", 1, 100_000) ?? d.MaxMessages);

        var u = node["upstream"];
        u.CheckKeys("request_timeout_seconds", "connect_timeout_seconds", "first_byte_timeout_seconds", "max_attempts");
        var ud = UpstreamSettings.Default;
        var upstream = new UpstreamSettings(
            Seconds(u.Double("request_timeout_seconds", 0.1, 3600)) ?? ud.RequestBudget,
            Seconds(u.Double("connect_timeout_seconds", 0.05, 600)) ?? ud.ConnectTimeout,
            Seconds(u.Double("first_byte_timeout_seconds", 0.05, 3600)) ?? ud.FirstByteTimeout,
            u.Int("max_attempts", 1, 32) ?? ud.MaxAttempts);

        var extensions = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var section in Extensions.GlobalSections)
        {
            var sectionNode = node;
            foreach (var segment in section.Path.Split('.'))
            {
                sectionNode = sectionNode[segment];
            }

            if (section.Bind(sectionNode) is { } bound)
            {
                extensions[section.Path] = bound;
            }
        }

        return new GlobalConfig(router, upstream, extensions);
    }

    private static TimeSpan? Seconds(double? s) => s is null ? null : TimeSpan.FromSeconds(s.Value);

    private RoutingConfig BindRouting(ConfigNode node, ProvidersConfig providers)
    {
        node.CheckKeys("strategy", "signals", "decisions");
        var strategy = node.Enum("strategy", "priority", "confidence") == "confidence" ? RoutingStrategy.Confidence : RoutingStrategy.Priority;

        var signals = new Dictionary<string, IReadOnlyList<SignalRuleConfig>>(StringComparer.Ordinal);
        var leafNames = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var composers = new List<(string Key, int Index, ConfigNode Node)>();
        var modelNames = providers.Models.Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var (key, list) in node["signals"].Entries())
        {
            var kind = Extensions.KindByConfigKey(key);
            if (kind is null)
            {
                list.Error($"unknown signal kind \"{key}\" (known: {string.Join(", ", Extensions.SignalConfigKeys)})");
                continue;
            }

            var rules = new List<SignalRuleConfig>();
            var names = leafNames.TryGetValue(kind.Type, out var existing) ? existing : leafNames[kind.Type] = new HashSet<string>(StringComparer.Ordinal);
            foreach (var item in list.Items())
            {
                var rule = kind.Bind(item);
                if (rule is null)
                {
                    continue;
                }

                if (rules.Any(r => r.Name == rule.Name))
                {
                    item["name"].Error($"duplicate {key} signal name \"{rule.Name}\"");
                    continue;
                }

                if (kind.SupportsModelScores && item["model_scores"].Exists)
                {
                    rule = rule with { ModelScores = BindModelScores(item["model_scores"], modelNames) };
                }

                rules.Add(rule);
                if (kind.SupportsComposer && item["composer"].Exists)
                {
                    composers.Add((kind.ConfigKey, rules.Count - 1, item["composer"]));
                }

                foreach (var leaf in kind.LeafNames(rule))
                {
                    names.Add(leaf);
                }
            }

            signals[kind.ConfigKey] = rules;
        }

        // Composers reference other signals, so they bind once every signal name is known.
        foreach (var (key, index, composerNode) in composers)
        {
            var rules = (List<SignalRuleConfig>)signals[key];
            rules[index] = rules[index] with { Composer = BindComposer(composerNode, leafNames) };
        }

        var decisions = new List<DecisionConfig>();
        var decisionNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var d in node["decisions"].Items())
        {
            var decision = BindDecision(d, leafNames, modelNames);
            if (decision is null)
            {
                continue;
            }

            if (!decisionNames.Add(decision.Name))
            {
                d["name"].Error($"duplicate decision name \"{decision.Name}\"");
            }

            decisions.Add(decision);
        }

        return new RoutingConfig(strategy, signals, decisions);
    }

    private DecisionConfig? BindDecision(ConfigNode d, Dictionary<string, HashSet<string>> leafNames, HashSet<string> modelNames)
    {
        d.CheckKeys("name", "description", "priority", "rules", "modelRefs", "model_refs", "algorithm", "plugins", "tier", "annotations");
        var name = d.String("name", required: true);
        var priority = d.Int("priority") ?? 0;
        var rules = d["rules"].Exists ? BindRule(d["rules"], leafNames) : RuleNodeConfig.CatchAll;

        var refsNode = d["modelRefs"].Exists ? d["modelRefs"] : d["model_refs"];
        var modelRefs = new List<ModelRefConfig>();
        foreach (var r in refsNode.Items())
        {
            r.CheckKeys("model", "weight", "use_reasoning", "reasoning_effort", "override_client_reasoning", "reasoning_description", "lora_name");
            var model = r.String("model", required: true);
            if (r["weight"].Exists)
            {
                // The anchor's per-ref weight feeds selection algorithms this router does not have; accepted, it would do nothing.
                r["weight"].Error("is not supported: modelRefs are tried in order (an algorithm may reorder them); to split traffic use providers.models[].backend_refs[].weight");
            }

            if (model is not null && !modelNames.Contains(model))
            {
                r["model"].Error($"unknown model \"{model}\" (defined in providers.models: {string.Join(", ", modelNames)})");
                continue;
            }

            if (model is not null)
            {
                var useReasoning = r.Bool("use_reasoning");
                var effort = r.Enum("reasoning_effort", ReasoningSettings.EffortLevels);
                if (effort is not null && useReasoning is not true)
                {
                    // An effort without reasoning on would be accepted and do nothing.
                    r["reasoning_effort"].Error("only applies with use_reasoning: true");
                }

                var lora = r.String("lora_name");
                if (lora is not null && (lora.Length > 256 || lora.Any(char.IsWhiteSpace)))
                {
                    // Sent upstream as the model name: a name no server could serve is a config mistake.
                    r["lora_name"].Error("must be a model name of at most 256 characters without whitespace");
                }

                modelRefs.Add(new ModelRefConfig(model, r.Double("weight", 0) ?? 1, useReasoning, effort)
                {
                    OverrideClientReasoning = r.Bool("override_client_reasoning") ?? false,
                    LoraName = lora,
                    ReasoningDescription = r.String("reasoning_description"),
                });
            }
        }

        var algorithm = AlgorithmConfig.Static;
        var a = d["algorithm"];
        if (a.Exists)
        {
            var type = a.String("type", required: true) ?? "static";
            var impl = Extensions.Algorithm(type);
            a.CheckKeys(["type", type, "on_error", .. impl?.InlineKeys ?? []]);
            if (a["on_error"].Exists)
            {
                // Known to the anchor, so named clearly rather than as an unknown key.
                a["on_error"].Error("is not supported: when an algorithm fails the request fails; the modelRefs order is the fallback order");
            }

            if (impl is null)
            {
                a["type"].Error($"unknown algorithm \"{type}\" (known: {string.Join(", ", Extensions.AlgorithmTypes)})");
            }
            else
            {
                var inline = impl.InlineKeys.Any(k => a[k].Exists);
                if (inline && a[type].Exists)
                {
                    a[type].Error($"give the {type} settings either inline ({string.Join(", ", impl.InlineKeys)}) or under {type}, not both");
                }

                algorithm = new AlgorithmConfig(type, a[type].Exists ? impl.Bind(a[type]) : inline ? impl.BindInline(a) : null);
            }
        }

        var plugins = new List<PluginConfig>();
        foreach (var p in d["plugins"].Items())
        {
            p.CheckKeys("type", "configuration", "enabled");
            var type = p.String("type", required: true);
            if (type is null)
            {
                continue;
            }

            var factory = Extensions.Plugin(type);
            if (factory is null)
            {
                p["type"].Error($"unknown plugin type \"{type}\" (known: {string.Join(", ", Extensions.PluginTypes)})");
                continue;
            }

            var configuration = p["configuration"];
            var enabled = (p.Bool("enabled") ?? true) && (configuration.Bool("enabled") ?? true);
            var settings = factory.Bind(configuration);
            if (settings is not null)
            {
                plugins.Add(new PluginConfig(factory.Type, enabled, settings, p.Path));
            }
        }

        var tier = d.Int("tier", 0) ?? 0;
        var annotations = d.StringMap("annotations");
        return name is null ? null : new DecisionConfig(name, d.String("description"), priority, rules, modelRefs, algorithm, plugins) { Tier = tier, Annotations = annotations };
    }

    private RuleNodeConfig BindRule(ConfigNode n, Dictionary<string, HashSet<string>> leafNames)
    {
        if (n["operator"].Exists)
        {
            n.CheckKeys("operator", "conditions");
            var op = n.Enum("operator", "AND", "OR", "NOT") ?? "AND";
            var children = n["conditions"].Items().Select(c => BindRule(c, leafNames)).ToList();
            if (op == "NOT" && children.Count != 1)
            {
                n["conditions"].Error($"NOT takes exactly one condition, got {children.Count}");
            }

            if (op == "OR" && children.Count == 0)
            {
                n["conditions"].Error("OR needs at least one condition");
            }

            return new RuleNodeConfig(op, children, null, null);
        }

        n.CheckKeys("type", "name");
        var type = n.String("type", required: true);
        var name = n.String("name", required: true);
        if (type is not null && name is not null)
        {
            var kind = Extensions.KindByType(type);
            if (kind is null)
            {
                n["type"].Error($"unknown signal type \"{type}\" (known: {string.Join(", ", Extensions.SignalKinds.Select(k => k.Type).Order(StringComparer.Ordinal))})");
            }
            else if (!leafNames.TryGetValue(type, out var names) || !names.Contains(name))
            {
                n["name"].Error($"unknown {type} signal \"{name}\" (define it under routing.signals.{kind.ConfigKey})");
            }
        }

        return new RuleNodeConfig(null, [], type, name);
    }

    /// <summary><c>model_scores: [{model, score}]</c>: each model defined once, scores between 0 and 1.</summary>
    private static IReadOnlyList<ModelScoreConfig> BindModelScores(ConfigNode node, HashSet<string> modelNames)
    {
        var scores = new List<ModelScoreConfig>();
        foreach (var item in node.Items())
        {
            item.CheckKeys("model", "score");
            var model = item.String("model", required: true);
            var score = item.Double("score", 0, 1);
            if (!item["score"].Exists)
            {
                item["score"].Error("is required (0 to 1, e.g. the model's accuracy on these prompts)");
            }

            if (model is null || score is null)
            {
                continue;
            }

            if (!modelNames.Contains(model))
            {
                item["model"].Error($"unknown model \"{model}\" (defined in providers.models: {string.Join(", ", modelNames)})");
            }
            else if (scores.Any(s => s.Model == model))
            {
                item["model"].Error($"model \"{model}\" is scored twice");
            }
            else
            {
                scores.Add(new ModelScoreConfig(model, score.Value));
            }
        }

        return scores;
    }

    /// <summary>
    /// A signal's <c>composer</c>: a rule tree like a decision's (<c>{operator, conditions}</c>), whose leaves must be
    /// defined signals of kinds without composers (so composers never depend on each other).
    /// </summary>
    private RuleNodeConfig BindComposer(ConfigNode node, Dictionary<string, HashSet<string>> leafNames)
    {
        if (!node.IsMapping || !node["operator"].Exists)
        {
            node.Error("expected {operator: AND|OR|NOT, conditions: [{type, name}, ...]}");
        }

        var tree = BindRule(node, leafNames);
        foreach (var (type, _) in RuleEvaluator.Leaves(tree))
        {
            if (type is not null && Extensions.KindByType(type) is { SupportsComposer: true })
            {
                node.Error($"a composer cannot reference {type} signals (they have composers themselves)");
                break;
            }
        }

        return tree;
    }

    /// <summary>Validates a regex pattern for a signal rule, reporting the error on <paramref name="node"/>.</summary>
    public static Regex? CompileRegex(ConfigNode node, string pattern, RegexOptions options)
    {
        try
        {
            return NewRegex(pattern, options);
        }
        catch (ArgumentException e)
        {
            node.Error($"invalid regular expression \"{pattern}\": {e.Message}");
            return null;
        }
    }

    /// <summary>The same compilation for a pattern the router builds itself: null instead of a config error when it does not parse.</summary>
    public static Regex? TryCompileRegex(string pattern, RegexOptions options)
    {
        try
        {
            return NewRegex(pattern, options);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static Regex NewRegex(string pattern, RegexOptions options) =>
        new(pattern, options | RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(50));

    /// <summary>Leaves the decisions reference, plus the composer conditions of referenced composed rules.</summary>
    internal static HashSet<(string Type, string Name)> ReferencedLeaves(RoutingConfig routing, RouterExtensions extensions)
    {
        var referenced = routing.Decisions.SelectMany(d => RuleEvaluator.Leaves(d.Rules)).ToHashSet();
        foreach (var d in routing.Decisions)
        {
            if (extensions.Algorithm(d.Algorithm.Type) is { } algorithm)
            {
                referenced.UnionWith(algorithm.ReadsSignals(d, routing, extensions));
            }
        }

        foreach (var (key, rules) in routing.Signals)
        {
            var kind = extensions.KindByConfigKey(key)!;
            foreach (var rule in rules)
            {
                if (rule.Composer is { } composer && kind.LeafNames(rule).Any(n => referenced.Contains((kind.Type, n))))
                {
                    referenced.UnionWith(RuleEvaluator.Leaves(composer));
                }
            }
        }

        return referenced;
    }
}
