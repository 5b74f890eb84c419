namespace SemanticRouter.Core.Signals;

/// <summary>Collects the evaluators' results and applies the composers of <see cref="IComposedSignalEvaluator"/>s.</summary>
public static class SignalComposition
{
    /// <summary><paramref name="perEvaluator"/>[i] holds the results of <paramref name="evaluators"/>[i]; composed ones are replaced.</summary>
    public static SignalResults Apply(IReadOnlyList<ISignalEvaluator> evaluators, IReadOnlyList<SignalMatch>[] perEvaluator)
    {
        var results = Collect(perEvaluator);
        var composed = false;
        for (var i = 0; i < evaluators.Count; i++)
        {
            if (evaluators[i] is IComposedSignalEvaluator c)
            {
                perEvaluator[i] = c.Compose(perEvaluator[i], results);
                composed = true;
            }
        }

        return composed ? Collect(perEvaluator) : results;
    }

    private static SignalResults Collect(IReadOnlyList<SignalMatch>[] perEvaluator)
    {
        var count = 0;
        foreach (var list in perEvaluator)
        {
            count += list.Count;
        }

        var all = new List<SignalMatch>(count);
        foreach (var list in perEvaluator)
        {
            all.AddRange(list);
        }

        return new SignalResults(all);
    }
}
