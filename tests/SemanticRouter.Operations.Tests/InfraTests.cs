using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SemanticRouter.Testing;

namespace SemanticRouter.Operations.Tests;

public sealed partial class InfraTests
{
    private static readonly string[] Queues = ["halugate-audits", "halugate-audits-poison", "feedback", "feedback-poison"];

    [Fact]
    public async Task Terraform_parses_and_declares_a_dotnet_isolated_flex_app_with_scoped_data_roles_and_auth_on()
    {
        var files = await InfraFiles.TerraformAsync();
        Assert.Equal(["main.tf", "outputs.tf", "variables.tf", "versions.tf"], files.Select(f => f.Key).Order(StringComparer.Ordinal));
        var main = files["main.tf"]!;
        var resources = main["resource"]!.AsObject();

        var app = resources["azurerm_function_app_flex_consumption"]!["router"]![0]!;
        Assert.Equal("dotnet-isolated", (string?)app["runtime_name"]);
        Assert.Equal("10.0", (string?)app["runtime_version"]);
        Assert.Equal("UserAssignedIdentity", (string?)app["storage_authentication_type"]);
        Assert.Equal("blobContainer", (string?)app["storage_container_type"]);
        Assert.Equal("UserAssigned", (string?)app["identity"]![0]!["type"]);
        Assert.Equal("FC1", (string?)resources["azurerm_service_plan"]!["router"]![0]!["sku_name"]);

        var storage = resources["azurerm_storage_account"]!["router"]![0]!;
        Assert.False((bool)storage["shared_access_key_enabled"]!);
        Assert.False((bool)storage["allow_nested_items_to_be_public"]!);

        var locals = main["locals"]![0]!;
        Assert.Equal(Queues, locals["queues"]!.AsArray().Select(q => (string)q!));
        Assert.Equal("models", (string?)locals["models_container"]);
        Assert.Equal("halugate-audits", (string?)locals["audits_container"]);
        Assert.Equal("feedback-ratings", (string?)locals["ratings_container"]);
        Assert.Equal("responses", (string?)locals["responses_container"]);
        Assert.Equal("${toset(local.queues)}", (string?)resources["azurerm_storage_queue"]!["queues"]![0]!["for_each"]);

        var roles = resources["azurerm_role_assignment"]!.AsObject().ToDictionary(r => r.Key, r => r.Value![0]!);
        Assert.Equal("Storage Blob Data Reader", (string?)roles["models_reader"]["role_definition_name"]);
        Assert.Equal("${azurerm_storage_container.models.resource_manager_id}", (string?)roles["models_reader"]["scope"]);
        Assert.Equal("Storage Blob Data Contributor", (string?)roles["audits_writer"]["role_definition_name"]);
        Assert.Equal("${azurerm_storage_container.audits.resource_manager_id}", (string?)roles["audits_writer"]["scope"]);
        Assert.Equal("Storage Blob Data Contributor", (string?)roles["responses_writer"]["role_definition_name"]);
        Assert.Equal("${azurerm_storage_container.responses.resource_manager_id}", (string?)roles["responses_writer"]["scope"]);
        Assert.Equal("Storage Blob Data Contributor", (string?)roles["ratings_writer"]["role_definition_name"]);
        Assert.Equal("Storage Queue Data Contributor", (string?)roles["queue_contributor"]["role_definition_name"]);
        Assert.Equal("${each.value.resource_manager_id}", (string?)roles["queue_contributor"]["scope"]);
        Assert.DoesNotContain(roles.Values, r => ((string?)r["scope"])!.Contains("azurerm_storage_account", StringComparison.Ordinal));
        Assert.NotNull(resources["azurerm_application_insights"]);
        Assert.True((bool)files["variables.tf"]!["variable"]!["milvus_token"]![0]!["sensitive"]!);
        foreach (var key in new[] { "api_key", "admin_key" })
        {
            // Required (no default) and secret: API-key auth is on in every deployment.
            var variable = files["variables.tf"]!["variable"]![key]![0]!.AsObject();
            Assert.True((bool)variable["sensitive"]!);
            Assert.False(variable.ContainsKey("default"), $"{key} must be required");
        }

        Assert.Contains("\"SEMANTIC_ROUTER_API_KEY\" = var.api_key", (string)locals["secret_settings"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Terraform_with_a_syntax_error_is_rejected_by_the_parser()
    {
        var dir = Directory.CreateTempSubdirectory("hcl-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "broken.tf"), "resource \"a\" \"b\" {\n  name = \n");
            await Assert.ThrowsAsync<InvalidOperationException>(() => NodeProcess.RunAsync(Path.Combine(RepoPaths.Root, "tests", "SemanticRouter.Operations.Tests", "node", "hcl2json.mjs"), [dir.FullName]));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Bicep_declares_the_same_resources_with_raw_resource_types_only()
    {
        var bicep = InfraFiles.Bicep();
        var types = InfraFiles.BicepResources(bicep).Select(r => r.Type).ToHashSet(StringComparer.Ordinal);
        Assert.Superset(
            new HashSet<string>(StringComparer.Ordinal)
            {
                "Microsoft.ManagedIdentity/userAssignedIdentities",
                "Microsoft.Storage/storageAccounts",
                "Microsoft.Storage/storageAccounts/blobServices",
                "Microsoft.Storage/storageAccounts/blobServices/containers",
                "Microsoft.Storage/storageAccounts/queueServices",
                "Microsoft.Storage/storageAccounts/queueServices/queues",
                "Microsoft.OperationalInsights/workspaces",
                "Microsoft.Insights/components",
                "Microsoft.Web/serverfarms",
                "Microsoft.Web/sites",
                "Microsoft.Authorization/roleAssignments",
            },
            types);
        Assert.DoesNotMatch(@"'(br|ts)[:/]", bicep);
        Assert.Contains("runtime: { name: 'dotnet-isolated', version: '10.0' }", bicep, StringComparison.Ordinal);
        Assert.Matches(@"@secure\(\)\s*@minLength\(16\)\s*param apiKey string\s*\n", bicep);
        Assert.Matches(@"@secure\(\)\s*@minLength\(16\)\s*param adminKey string\s*\n", bicep);
        Assert.Contains("[{ name: 'SEMANTIC_ROUTER_API_KEY', value: apiKey }, { name: 'SEMANTIC_ROUTER_ADMIN_KEY', value: adminKey }]", bicep, StringComparison.Ordinal);
        Assert.Contains("sku: { name: 'FC1', tier: 'FlexConsumption' }", bicep, StringComparison.Ordinal);
        Assert.Contains("allowSharedKeyAccess: false", bicep, StringComparison.Ordinal);
        Assert.Contains($"var queues = [{string.Join(", ", Queues.Select(q => $"'{q}'"))}]", bicep, StringComparison.Ordinal);

        // Role ids are the built-in ones, and every assignment is scoped below the account.
        Assert.Contains("blobDataReader: '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1'", bicep, StringComparison.Ordinal);
        Assert.Contains("blobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'", bicep, StringComparison.Ordinal);
        Assert.Contains("queueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'", bicep, StringComparison.Ordinal);
        var scopes = RoleScope().Matches(bicep).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(["modelsBlob", "auditsBlob", "ratingsBlob", "responsesBlob", "hostBlobs[i]", "queueResources[i]", "appInsights"], scopes);

        // Well-formed: brackets balance outside strings and comments.
        var depth = new Stack<char>();
        foreach (var line in bicep.Split('\n'))
        {
            var code = StringOrComment().Replace(line, string.Empty);
            foreach (var c in code)
            {
                if (c is '{' or '[' or '(')
                {
                    depth.Push(c);
                }
                else if (c is '}' or ']' or ')')
                {
                    var open = depth.Pop();
                    Assert.Equal(c switch { '}' => '{', ']' => '[', _ => '(' }, open);
                }
            }
        }

        Assert.Empty(depth);
    }

    [Fact]
    public async Task Every_setting_queue_and_container_the_code_uses_is_in_the_shared_list_both_infra_flavours_and_local_settings()
    {
        var settings = InfraFiles.Settings().ToList();
        var names = settings.Select(s => (string)s["name"]!).ToHashSet(StringComparer.Ordinal);

        // Code -> list: every setting-like literal in the source (and ${VAR} / *_env in shipped configs,
        // not the examples under config/examples) is listed.
        var sources = Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "shared"), "*.cs", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "functions"), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal) && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToDictionary(f => f, File.ReadAllText);
        var code = string.Join('\n', sources.Values);
        var used = SettingLiteral().Matches(code).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        foreach (var yaml in Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "config"), "*.yaml", SearchOption.TopDirectoryOnly))
        {
            var text = File.ReadAllText(yaml);
            used.UnionWith(ConfigReference().Matches(text).Select(m => m.Groups[1].Value.Length > 0 ? m.Groups[1].Value : m.Groups[2].Value));
        }

        Assert.Empty(used.Where(u => !names.Contains(u)).Order(StringComparer.Ordinal));

        // List -> code: nothing listed as read by the code is stale.
        foreach (var s in settings.Where(s => (string?)s["readBy"] == "code"))
        {
            var token = (string?)s["codeToken"] ?? (string)s["name"]!;
            Assert.True(code.Contains($"\"{token}\"", StringComparison.Ordinal), $"{s["name"]} is listed as read by the code but \"{token}\" appears in no source file");
        }

        // List -> infra: both flavours set the same Azure settings, and nothing unlisted.
        var azure = settings.Where(s => (bool?)s["azure"] == true).Select(s => (string)s["name"]!).ToHashSet(StringComparer.Ordinal);
        var bicepSettings = InfraFiles.BicepAppSettings(InfraFiles.Bicep());
        Assert.Empty(azure.Except(bicepSettings).Order(StringComparer.Ordinal));
        Assert.Empty(bicepSettings.Except(names).Order(StringComparer.Ordinal));

        var locals = (await InfraFiles.TerraformAsync())["main.tf"]!["locals"]![0]!;
        var terraformSettings = locals["base_settings"]!.AsObject().Select(p => p.Key)
            .Concat(TerraformSecretKey().Matches((string)locals["secret_settings"]!).Select(m => m.Groups[1].Value))
            .ToHashSet(StringComparer.Ordinal);
        Assert.Empty(azure.Except(terraformSettings).Order(StringComparer.Ordinal));
        Assert.Empty(terraformSettings.Except(names).Order(StringComparer.Ordinal));

        // List -> local.settings.sample.json: every setting with a local value, with that value, and nothing unlisted.
        var local = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "local.settings.sample.json")))!["Values"]!.AsObject();
        foreach (var s in settings.Where(s => s["local"] is not null))
        {
            Assert.Equal((string?)s["local"], (string?)local[(string)s["name"]!]);
        }

        Assert.DoesNotContain(local, p => !names.Contains(p.Key));

        // ... and documents every setting, with the list's description, so a developer needs no other file.
        var documented = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "local.settings.sample.json")))!["Settings"]!.AsObject();
        Assert.Equal(names.Order(StringComparer.Ordinal), documented.Select(p => p.Key).Order(StringComparer.Ordinal));
        foreach (var s in settings)
        {
            Assert.StartsWith((string)s["description"]!, (string)documented[(string)s["name"]!]!, StringComparison.Ordinal);
        }

        // Queues and containers: the code's names, the queue triggers' names, and both flavours agree.
        var manifest = InfraFiles.Manifest();
        var queues = manifest["queues"]!.AsArray().Select(q => (string)q!).ToList();
        var containers = manifest["containers"]!.AsObject().Select(c => c.Key).ToList();
        var queueNames = sources.Single(s => s.Key.EndsWith("QueueNames.cs", StringComparison.Ordinal)).Value;
        foreach (var literal in ConstDeclaration().Matches(queueNames).Select(m => m.Groups[2].Value))
        {
            Assert.True(queues.Contains(literal) || containers.Contains(literal), $"{literal} (QueueNames.cs) is not in infra/app-settings.json");
        }

        // The queue triggers (functions/…/Worker/QueueTriggers.cs) name their queues with QueueNames constants.
        var constants = ConstDeclaration().Matches(queueNames).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value, StringComparer.Ordinal);
        var triggers = QueueTriggerName().Matches(sources.Single(s => s.Key.EndsWith("QueueTriggers.cs", StringComparison.Ordinal)).Value).Select(m => constants[m.Groups[1].Value]).ToList();
        Assert.Equal(queues.Order(StringComparer.Ordinal), triggers.Order(StringComparer.Ordinal));

        // The /v1/responses blob store is the default once a storage account is configured: its container too.
        Assert.Contains(SemanticRouter.Functions.Responses.Store.ResponseStoreSettings.Default.Container, containers);

        var bicep = InfraFiles.Bicep();
        var terraform = File.ReadAllText(Path.Combine(InfraFiles.Infra, "terraform", "main.tf"));
        foreach (var name in queues.SelectMany(q => new[] { q, q + "-poison" }).Concat(containers))
        {
            Assert.Contains($"'{name}'", bicep, StringComparison.Ordinal);
            Assert.Contains($"\"{name}\"", terraform, StringComparison.Ordinal);
        }
    }

    [GeneratedRegex(@"""((?:SEMANTIC_ROUTER|MODELS|QUEUE|FEEDBACK|HALUGATE|DEMO|MILVUS|FUNCTIONS|OTEL|APPLICATIONINSIGHTS)_[A-Z0-9_]+|AzureWebJobsStorage(?:__\w+)?)""")]
    private static partial Regex SettingLiteral();

    [GeneratedRegex(@"\$\{([A-Z][A-Z0-9_]+)(?::-[^}]*)?\}|_env:\s*""?([A-Z][A-Z0-9_]+)")]
    private static partial Regex ConfigReference();

    [GeneratedRegex(@"""([A-Za-z0-9_]+)""\s*=\s*var\.")]
    private static partial Regex TerraformSecretKey();

    [GeneratedRegex(@"const string (\w+) = ""([a-z0-9-]+)""")]
    private static partial Regex ConstDeclaration();

    [GeneratedRegex(@"QueueTrigger\(QueueNames\.(\w+)")]
    private static partial Regex QueueTriggerName();

    [GeneratedRegex(@"^resource \w+ 'Microsoft\.Authorization/roleAssignments@[^']+' = (?:\[for [^:]+: )?\{\s*\n\s*scope: ([\w\[\]]+)", RegexOptions.Multiline)]
    private static partial Regex RoleScope();

    [GeneratedRegex(@"'(?:[^'\\]|\\.)*'|//.*$")]
    private static partial Regex StringOrComment();
}
