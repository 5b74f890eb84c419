namespace SemanticRouter.Cache.Plugin;

/// <summary>
/// The request header <c>x-vsr-cache-control</c>: <c>no-cache</c> skips the lookup (the answer is
/// still stored), <c>no-store</c> keeps the answer out of the cache; both may be combined with a comma.
/// </summary>
internal readonly record struct CacheControl(bool NoCache, bool NoStore)
{
    public const string Header = "x-vsr-cache-control";

    public static CacheControl From(IReadOnlyDictionary<string, string> headers)
    {
        if (!headers.TryGetValue(Header, out var value) || value.Length > 256)
        {
            return default;
        }

        var noCache = false;
        var noStore = false;
        foreach (var part in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            noCache |= part.Equals("no-cache", StringComparison.OrdinalIgnoreCase);
            noStore |= part.Equals("no-store", StringComparison.OrdinalIgnoreCase);
        }

        return new CacheControl(noCache, noStore);
    }
}
