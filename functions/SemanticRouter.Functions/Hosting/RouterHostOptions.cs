namespace SemanticRouter.Functions.Hosting;

/// <summary>How to start the router: which config, where to listen, and how to read the environment.</summary>
internal sealed record RouterHostOptions
{
    /// <summary>A config file to load and watch; when null, <see cref="ConfigYaml"/> is used.</summary>
    public string? ConfigPath { get; init; }

    /// <summary>Config text to serve without watching (embedded defaults).</summary>
    public string? ConfigYaml { get; init; }

    /// <summary>Kestrel URLs, e.g. http://127.0.0.1:8080 (port 0 picks a free port).</summary>
    public string Urls { get; init; } = "http://127.0.0.1:8080";

    /// <summary>Reads environment variables and app settings (overridable for the demo and tests).</summary>
    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;

    /// <summary>Largest accepted header block, summed over all headers.</summary>
    public int MaxHeaderBytes { get; init; } = 64 * 1024;

    /// <summary>
    /// True when the Azure Functions host runs the app as its isolated worker: the host then triggers the queue
    /// functions itself, so the standalone queue pollers stay off unless QUEUE_POLLERS says otherwise.
    /// </summary>
    public bool UnderFunctionsHost { get; init; }

    public TimeSpan ConfigPollInterval { get; init; } = TimeSpan.FromSeconds(5);
}
