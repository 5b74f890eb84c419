namespace SemanticRouter.Functions.Quality;

/// <summary>
/// RouteLLM's metrics on a cost/quality curve of (share of calls to the strong model, PGR) points, where PGR (performance
/// gap recovered) = (quality − weak quality) / (strong quality − weak quality). The curve is the piecewise-linear path
/// through the points in order of share (a share between two operating points is reached by mixing them):
/// APGR is its area divided by the share range it spans (RouteLLM's trapezoid over the swept points), and CPT(x) is the
/// smallest share at which the path first reaches a PGR of x (null when it never does).
/// </summary>
internal static class CurveMetrics
{
    public static (double Apgr, double? Cpt50, double? Cpt80) Of(IReadOnlyList<(double Share, double Pgr)> points)
    {
        var path = Path(points);
        return (Apgr(path), Cpt(path, 0.5), Cpt(path, 0.8));
    }

    /// <summary>Points sorted by share; of several at one share, the best PGR (the others are dominated).</summary>
    public static List<(double Share, double Pgr)> Path(IReadOnlyList<(double Share, double Pgr)> points)
    {
        var path = new List<(double Share, double Pgr)>();
        foreach (var p in points.OrderBy(p => p.Share).ThenByDescending(p => p.Pgr))
        {
            if (path.Count == 0 || p.Share > path[^1].Share)
            {
                path.Add(p);
            }
        }

        return path;
    }

    public static double Apgr(List<(double Share, double Pgr)> path)
    {
        if (path.Count == 0)
        {
            return double.NaN;
        }

        var span = path[^1].Share - path[0].Share;
        if (span <= 0)
        {
            return path[0].Pgr;
        }

        var area = 0.0;
        for (var i = 1; i < path.Count; i++)
        {
            area += (path[i].Share - path[i - 1].Share) * (path[i].Pgr + path[i - 1].Pgr) / 2;
        }

        return area / span;
    }

    public static double? Cpt(List<(double Share, double Pgr)> path, double target)
    {
        if (path.Count == 0)
        {
            return null;
        }

        if (path[0].Pgr >= target)
        {
            return path[0].Share;
        }

        for (var i = 1; i < path.Count; i++)
        {
            var (x0, y0) = path[i - 1];
            var (x1, y1) = path[i];
            if (y1 >= target)
            {
                return x0 + ((target - y0) / (y1 - y0) * (x1 - x0));
            }
        }

        return null;
    }
}
