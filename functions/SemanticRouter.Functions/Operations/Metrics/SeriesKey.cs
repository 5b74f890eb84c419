namespace SemanticRouter.Functions.Operations.Metrics;

/// <summary>
/// Identifies a series by its tag values without allocating on the recording path: instruments
/// here carry at most four tags, each recorded in a fixed order by <c>RouterMetrics</c>.
/// </summary>
internal readonly record struct SeriesKey(int Count, object? A, object? B, object? C, object? D, string? Extra)
{
    public static SeriesKey From(ReadOnlySpan<KeyValuePair<string, object?>> tags) => tags.Length switch
    {
        0 => default,
        1 => new(1, tags[0].Value, null, null, null, null),
        2 => new(2, tags[0].Value, tags[1].Value, null, null, null),
        3 => new(3, tags[0].Value, tags[1].Value, tags[2].Value, null, null),
        4 => new(4, tags[0].Value, tags[1].Value, tags[2].Value, tags[3].Value, null),
        _ => new(tags.Length, tags[0].Value, tags[1].Value, tags[2].Value, tags[3].Value, Joined(tags[4..])),
    };

    public static SeriesKey Overflowed(int count) => new(count, "\0overflow", null, null, null, null);

    private static string Joined(ReadOnlySpan<KeyValuePair<string, object?>> rest)
    {
        var parts = new string[rest.Length];
        for (var i = 0; i < rest.Length; i++)
        {
            parts[i] = rest[i].Key + "=" + rest[i].Value;
        }

        return string.Join('\u0001', parts);
    }
}
