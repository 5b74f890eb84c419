namespace SemanticRouter.Core.Signals;

/// <summary>All signal results of one request, looked up by decision leaves as (type, name).</summary>
public sealed class SignalResults
{
    // Most configs evaluate a handful of signals; a scan of those beats hashing two strings per lookup and
    // saves building a map for every request. Larger sets get the map.
    private const int ScanLimit = 8;

    private readonly Dictionary<(string Type, string Name), SignalMatch>? _byLeaf;

    /// <param name="matches">Every evaluator's results; the instance keeps this list as <see cref="All"/>.</param>
    public SignalResults(List<SignalMatch> matches)
    {
        All = matches;
        if (matches.Count > ScanLimit)
        {
            _byLeaf = new Dictionary<(string, string), SignalMatch>(matches.Count);
            foreach (var m in matches)
            {
                _byLeaf[(m.Type, m.Name)] = m;
            }
        }
    }

    public static SignalResults Empty { get; } = new([]);

    public List<SignalMatch> All { get; }

    public SignalMatch? Find(string type, string name)
    {
        if (_byLeaf is not null)
        {
            return _byLeaf.GetValueOrDefault((type, name));
        }

        // Last match wins, as with the map (a later result for the same leaf replaces an earlier one).
        for (var i = All.Count - 1; i >= 0; i--)
        {
            var m = All[i];
            if (string.Equals(m.Type, type, StringComparison.Ordinal) && string.Equals(m.Name, name, StringComparison.Ordinal))
            {
                return m;
            }
        }

        return null;
    }
}
