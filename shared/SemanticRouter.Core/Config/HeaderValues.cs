namespace SemanticRouter.Core.Config;

/// <summary>Checks header names (RFC 9110 tokens) and values (no CR, LF or other control characters).</summary>
public static class HeaderValues
{
    public static bool IsValidName(string name)
    {
        if (name.Length == 0 || name.Length > 256)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (c > 126 || c <= 32 || "\"(),/:;<=>?@[\\]{}".Contains(c, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    public static bool IsValidValue(string value)
    {
        if (value.Length > 8192)
        {
            return false;
        }

        foreach (var c in value)
        {
            if ((c < 32 && c != '\t') || c == 127)
            {
                return false;
            }
        }

        return true;
    }
}
