namespace SemanticRouter.Async.Feedback;

/// <summary>Maps a rating to a success fraction in [0, 1]: up = 1, down = 0, stars s = (s - 1) / 4.</summary>
public static class RatingScore
{
    public static bool IsValid(string rating) => rating is "up" or "down" or "1" or "2" or "3" or "4" or "5";

    public static double Of(string rating) => rating switch
    {
        "up" => 1,
        "down" => 0,
        "1" => 0,
        "2" => 0.25,
        "3" => 0.5,
        "4" => 0.75,
        "5" => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(rating), "not a rating"),
    };
}
