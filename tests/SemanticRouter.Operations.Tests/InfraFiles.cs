using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SemanticRouter.Testing;

namespace SemanticRouter.Operations.Tests;

/// <summary>Reads the deployment files: the shared settings list, Terraform (parsed by hcl2json) and Bicep (resource declarations).</summary>
internal static partial class InfraFiles
{
    public static string Infra => Path.Combine(RepoPaths.Root, "infra");

    public static JsonObject Manifest() => JsonNode.Parse(File.ReadAllText(Path.Combine(Infra, "app-settings.json")))!.AsObject();

    public static IEnumerable<JsonObject> Settings() => Manifest()["settings"]!.AsArray().Select(s => s!.AsObject());

    public static async Task<JsonObject> TerraformAsync()
    {
        var json = await NodeProcess.RunAsync(Path.Combine(RepoPaths.Root, "tests", "SemanticRouter.Operations.Tests", "node", "hcl2json.mjs"), [Path.Combine(Infra, "terraform")]);
        return JsonNode.Parse(json)!.AsObject();
    }

    public static string Bicep() => File.ReadAllText(Path.Combine(Infra, "bicep", "main.bicep"));

    /// <summary>(symbol, type, api version) of every <c>resource</c> declaration.</summary>
    public static List<(string Symbol, string Type, string Version)> BicepResources(string bicep) =>
        BicepResource().Matches(bicep).Select(m => (m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value)).ToList();

    /// <summary>Names given as <c>{ name: 'X', value: ... }</c> app-setting entries.</summary>
    public static HashSet<string> BicepAppSettings(string bicep) =>
        BicepSetting().Matches(bicep).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);

    [GeneratedRegex(@"^resource\s+(\w+)\s+'([^'@]+)@([0-9]{4}-[0-9]{2}-[0-9]{2}(?:-preview)?)'", RegexOptions.Multiline)]
    private static partial Regex BicepResource();

    [GeneratedRegex(@"\{\s*name:\s*'([A-Za-z0-9_]+)',\s*value:")]
    private static partial Regex BicepSetting();
}
