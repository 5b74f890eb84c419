namespace SemanticRouter.Functions.Hosting;

/// <summary>The bundled example config (<c>config/demo.yaml</c>) used by <c>serve --demo</c>.</summary>
internal static class EmbeddedConfig
{
    public static string DemoYaml()
    {
        using var stream = typeof(EmbeddedConfig).Assembly.GetManifestResourceStream("SemanticRouter.Functions.demo.yaml")
            ?? throw new InvalidOperationException("embedded demo config missing");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
