namespace SemanticRouter.Storage.Azure;

/// <summary>Validates names and metadata before they reach the service, so a bad input fails here with a clear message.</summary>
internal static class StorageNames
{
    /// <summary>Container and queue names: 3–63 of [a-z0-9-], starting and ending alphanumeric, no "--".</summary>
    public static string ValidateContainerOrQueue(string name, string what)
    {
        ArgumentNullException.ThrowIfNull(name);
        var valid = name.Length is >= 3 and <= 63
            && char.IsAsciiLetterOrDigit(name[0]) && char.IsAsciiLetterOrDigit(name[^1])
            && !name.Contains("--", StringComparison.Ordinal)
            && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');
        return valid ? name : throw new ArgumentException($"Invalid {what} name '{name}': use 3-63 lowercase letters, digits and single hyphens.", nameof(name));
    }

    /// <summary>Blob names: 1–1024 characters, no control characters, no empty path segments.</summary>
    public static string ValidateBlobName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var valid = name.Length is >= 1 and <= 1024
            && !name.Any(char.IsControl)
            && !name.Split('/').Any(string.IsNullOrEmpty)
            && !name.EndsWith('.');
        return valid ? name : throw new ArgumentException("Invalid blob name: 1-1024 characters, no control characters, no empty path segments, not ending in '.'.", nameof(name));
    }

    /// <summary>Metadata: names are C# identifiers, values printable ASCII (they travel as HTTP headers).</summary>
    public static void ValidateMetadata(IReadOnlyDictionary<string, string> metadata)
    {
        var total = 0;
        foreach (var (name, value) in metadata)
        {
            var nameOk = name.Length is >= 1 and <= 256
                && (char.IsAsciiLetter(name[0]) || name[0] == '_')
                && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
            if (!nameOk)
            {
                throw new ArgumentException($"Invalid metadata name '{name}': use a C# identifier (ASCII letters, digits, '_').", nameof(metadata));
            }

            if (value.Any(c => c is < ' ' or > '~') || (value.Length > 0 && (value[0] == ' ' || value[^1] == ' ')))
            {
                throw new ArgumentException($"Invalid value for metadata '{name}': printable ASCII without leading or trailing spaces.", nameof(metadata));
            }

            total += name.Length + value.Length;
        }

        if (total > 8 * 1024)
        {
            throw new ArgumentException("Metadata exceeds the 8 KiB service limit.", nameof(metadata));
        }
    }
}
