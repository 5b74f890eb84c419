using SemanticRouter.Core.Config;

namespace SemanticRouter.Core.Upstream;

/// <summary>A logical model with its resolved backends and a weighted order for each request.</summary>
public sealed class UpstreamModel
{
    private readonly UpstreamBackend[] _backends;
    private readonly int _totalWeight;

    public UpstreamModel(ModelConfig config, Func<string, string?> environment)
    {
        Config = config;
        _backends = config.BackendRefs.Select(b => new UpstreamBackend(b, config.ProviderModelId, environment)).ToArray();
        _totalWeight = _backends.Sum(b => b.Weight);
    }

    public ModelConfig Config { get; }

    public string Name => Config.Name;

    public IReadOnlyList<UpstreamBackend> Backends => _backends;

    /// <summary>
    /// Backends for one request: the first drawn by weight, the rest (retries) in weighted order too.
    /// Zero-weight backends come last, as standbys.
    /// </summary>
    public UpstreamBackend[] OrderForRequest()
    {
        if (_backends.Length == 1)
        {
            return _backends;
        }

        var order = new UpstreamBackend[_backends.Length];
        var remaining = new List<UpstreamBackend>(_backends);
        var weight = _totalWeight;
        for (var i = 0; i < order.Length; i++)
        {
            var pick = 0;
            if (weight > 0)
            {
                var r = Random.Shared.Next(weight);
                for (pick = 0; pick < remaining.Count; pick++)
                {
                    r -= remaining[pick].Weight;
                    if (r < 0)
                    {
                        break;
                    }
                }
            }

            order[i] = remaining[pick];
            weight -= remaining[pick].Weight;
            remaining.RemoveAt(pick);
        }

        return order;
    }
}
