namespace SemanticRouter.Core.Signals;

/// <summary>All signal results of one request, looked up by decision leaves as (type, name).</summary>
public sealed class SignalResults
{
    private readonly Dictionary<(string Type, string Name), SignalMatch> _byLeaf = [];

    public SignalResults(IEnumerable<SignalMatch> matches)
    {
        foreach (var m in matches)
        {
            _byLeaf[(m.Type, m.Name)] = m;
            All.Add(m);
        }
    }

    public static SignalResults Empty { get; } = new([]);

    public List<SignalMatch> All { get; } = [];

    public SignalMatch? Find(string type, string name) => _byLeaf.GetValueOrDefault((type, name));
}
