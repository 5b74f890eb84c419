using System.Text.Json;
using System.Text.Json.Serialization;

namespace SemanticRouter.Storage.ModelStore;

/// <summary>Reads and writes the manifest, validating the whole document and reporting every problem with its location.</summary>
public static class ModelManifestJson
{
    /// <summary>Manifests are small; anything bigger is a mistake or an attack.</summary>
    public const int MaxBytes = 1024 * 1024;

    private const int MaxModels = 256;
    private const int MaxFilesPerModel = 256;

    public static ModelManifest Parse(ReadOnlySpan<byte> json, string source = ModelManifest.FileName)
    {
        if (json.Length > MaxBytes)
        {
            throw new InvalidDataException($"{source}: larger than {MaxBytes} bytes.");
        }

        ModelManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize(json, ModelStoreJsonContext.Default.ModelManifest);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: not a valid manifest ({e.Message})", e);
        }

        if (manifest is null)
        {
            throw new InvalidDataException($"{source}: empty document.");
        }

        var errors = Validate(manifest);
        return errors.Count == 0 ? manifest : throw new InvalidDataException($"{source} is invalid:\n  " + string.Join("\n  ", errors));
    }

    /// <summary>
    /// The committed <c>models/manifest.json</c>'s format, which the training pipeline also writes (Python's
    /// <c>json.dump(indent=1)</c> plus a final newline): one-space indentation, so regenerating an unchanged manifest
    /// leaves the tracked file byte for byte as it was.
    /// </summary>
    public static byte[] Serialize(ModelManifest manifest)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(manifest, ModelStoreJsonContext.Default.ModelManifest);
        var withNewline = new byte[json.Length + 1];
        json.CopyTo(withNewline, 0);
        withNewline[^1] = (byte)'\n';
        return withNewline;
    }

    public static List<string> Validate(ModelManifest manifest)
    {
        var errors = new List<string>();
        if (manifest.Version != ModelManifest.CurrentVersion)
        {
            errors.Add($"version: {manifest.Version} is not supported (expected {ModelManifest.CurrentVersion})");
        }

        var models = manifest.Models ?? [];
        if (models.Count > MaxModels)
        {
            errors.Add($"models: more than {MaxModels} entries");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < models.Count; i++)
        {
            var at = $"models[{i}]";
            var model = models[i];
            if (model is null)
            {
                errors.Add($"{at}: null");
                continue;
            }

            if (!IsModelName(model.Name))
            {
                errors.Add($"{at}.name: '{model.Name}' must be 1-64 of [a-z0-9._-], starting with a letter or digit");
            }
            else if (!names.Add(model.Name))
            {
                errors.Add($"{at}.name: duplicate '{model.Name}'");
            }

            if (string.IsNullOrWhiteSpace(model.Kind) || model.Kind.Length > 64)
            {
                errors.Add($"{at}.kind: required (e.g. sequence-classifier, token-classifier, embedder)");
            }

            if (model.Prefix is null || (model.Prefix.Length > 0 && !IsRelativePath(model.Prefix)))
            {
                errors.Add($"{at}.prefix: must be a relative '/'-separated path without '..'");
            }

            var files = model.Files ?? [];
            if (files.Count is 0 or > MaxFilesPerModel)
            {
                errors.Add($"{at}.files: 1 to {MaxFilesPerModel} files required");
            }

            var paths = new HashSet<string>(StringComparer.Ordinal);
            for (var j = 0; j < files.Count; j++)
            {
                var file = files[j];
                var fileAt = $"{at}.files[{j}]";
                if (file is null)
                {
                    errors.Add($"{fileAt}: null");
                    continue;
                }

                if (!IsRelativePath(file.Path))
                {
                    errors.Add($"{fileAt}.path: '{file.Path}' must be a relative '/'-separated path without '..'");
                }
                else if (!paths.Add(file.Path))
                {
                    errors.Add($"{fileAt}.path: duplicate '{file.Path}'");
                }

                if (file.Sha256 is null || file.Sha256.Length != 64 || !file.Sha256.All(char.IsAsciiHexDigitLower))
                {
                    errors.Add($"{fileAt}.sha256: 64 lowercase hex characters required");
                }

                if (file.Size < 0)
                {
                    errors.Add($"{fileAt}.size: must be >= 0");
                }
            }

            if (model.Labels is { Count: > 100_000 })
            {
                errors.Add($"{at}.labels: too many");
            }
        }

        return errors;
    }

    /// <summary>The manifest's model-name rule: 1-64 of [a-z0-9._-], starting with a letter or digit.</summary>
    public static bool IsModelName(string? name) =>
        name is { Length: >= 1 and <= 64 }
        && char.IsAsciiLetterOrDigit(name[0])
        && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_' or '.');

    internal static bool IsRelativePath(string? path) =>
        path is { Length: >= 1 and <= 512 }
        && !path.StartsWith('/')
        && !path.Contains('\\', StringComparison.Ordinal)
        && !path.Any(char.IsControl)
        && path.Split('/').All(s => s.Length > 0 && s != "." && s != "..");
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true, IndentSize = 1, NewLine = "\n", UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ModelManifest))]
[JsonSerializable(typeof(ModelStoreStatus))]
public sealed partial class ModelStoreJsonContext : JsonSerializerContext;
