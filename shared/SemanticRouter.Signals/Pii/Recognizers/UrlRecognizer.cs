using System.Text.RegularExpressions;

namespace SemanticRouter.Signals.Pii.Recognizers;

/// <summary>
/// URLs with a scheme or a <c>www.</c> prefix, and bare domain names with a known-shaped top-level domain
/// (letters only, so version numbers like 1.2.3 do not count). Trailing sentence punctuation is not part of the URL.
/// </summary>
internal sealed partial class UrlRecognizer() : RegexRecognizer(PiiTypes.Url, Pattern())
{
    protected override double Score => 0.9;

    protected override bool IsValid(string text, int start, int length)
    {
        var value = text.AsSpan(start, length);
        if (value.Contains("://", StringComparison.Ordinal) || value.StartsWith("www.", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        // A bare domain: the part before the TLD must have letters, and a filename-like "report.pdf" is not a domain.
        var lastDot = value.LastIndexOf('.');
        var tld = value[(lastDot + 1)..].ToString().ToLowerInvariant();
        return lastDot > 0 && !FileExtensions.Contains(tld) && value[..lastDot].ContainsAnyInRange('a', 'z') | value[..lastDot].ContainsAnyInRange('A', 'Z');
    }

    private static readonly HashSet<string> FileExtensions = ["pdf", "txt", "doc", "docx", "xls", "xlsx", "png", "jpg", "jpeg", "gif", "csv", "json", "yaml", "yml", "py", "cs", "js", "ts", "md", "exe", "zip", "html", "htm", "xml", "log", "sh", "dll", "so", "java", "go", "rs", "cpp", "h", "tar", "gz"];

    [GeneratedRegex(@"(?<![\w@.-])(?:(?:https?|ftp)://[^\s<>""'`]+[^\s<>""'`.,;:!?)\]]|(?:www\.)?(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,6}[A-Za-z]{2,12}(?:/[^\s<>""'`]*[^\s<>""'`.,;:!?)\]])?/?)(?![\w@-])", RegexOptions.CultureInvariant, 250)]
    private static partial Regex Pattern();
}
