namespace SemanticRouter.Async.Feedback;

/// <summary>Samples Beta(a, b) as X/(X+Y) with X~Gamma(a), Y~Gamma(b) (Marsaglia–Tsang), for Thompson sampling.</summary>
internal static class Beta
{
    public static double Sample(double a, double b)
    {
        var x = Gamma(a);
        var y = Gamma(b);
        return x / (x + y);
    }

    private static double Gamma(double shape)
    {
        if (shape < 1)
        {
            // Boost: Gamma(a) = Gamma(a + 1) * U^(1/a).
            return Gamma(shape + 1) * Math.Pow(Random.Shared.NextDouble(), 1 / shape);
        }

        var d = shape - (1.0 / 3);
        var c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double x, v;
            do
            {
                x = Normal();
                v = 1 + (c * x);
            }
            while (v <= 0);

            v = v * v * v;
            var u = Random.Shared.NextDouble();
            if (u < 1 - (0.0331 * x * x * x * x) || Math.Log(u) < (0.5 * x * x) + (d * (1 - v + Math.Log(v))))
            {
                return d * v;
            }
        }
    }

    private static double Normal()
    {
        var u1 = 1 - Random.Shared.NextDouble();
        var u2 = Random.Shared.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
