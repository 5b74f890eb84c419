namespace SemanticRouter.Operations.Tests;

/// <summary>A fact that needs Debian's Chromium; skipped, saying why, where /usr/bin/chromium is not installed.</summary>
internal sealed class ChromiumFactAttribute : FactAttribute
{
    public const string Path = "/usr/bin/chromium";

    public ChromiumFactAttribute()
    {
        if (!File.Exists(Path))
        {
            Skip = $"Chromium is not installed ({Path} missing); run `apt-get install -y chromium` to run the dashboard browser test.";
        }
    }
}
