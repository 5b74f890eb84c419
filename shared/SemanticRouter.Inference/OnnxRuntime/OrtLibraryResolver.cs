using System.Reflection;
using System.Runtime.InteropServices;

namespace SemanticRouter.Inference.OnnxRuntime;

/// <summary>
/// Finds <c>libonnxruntime.so.1</c> (ORT 1.30). Order: the <see cref="PathVariable"/> environment variable,
/// the npm package <c>onnxruntime-node</c> found upward from the app and from the current directory,
/// the app's own folder (published apps ship the library), then the system library search path.
/// </summary>
internal static class OrtLibraryResolver
{
    public const string PathVariable = "SEMANTIC_ROUTER_ONNXRUNTIME_PATH";

    private const string LibraryFileName = "libonnxruntime.so.1";
    private static readonly string NpmRelativePath = Path.Combine("node_modules", "onnxruntime-node", "bin", "napi-v6", "linux", "x64", LibraryFileName);

    /// <summary>Loads the library and returns its handle plus the path (or name) that worked.</summary>
    public static (nint Handle, string Source) Load()
    {
        var tried = new List<string>();
        var fromVariable = Environment.GetEnvironmentVariable(PathVariable);
        if (!string.IsNullOrWhiteSpace(fromVariable))
        {
            // An explicit setting that does not work is an error, not a reason to silently pick another copy.
            if (NativeLibrary.TryLoad(fromVariable, out var handle))
            {
                return (handle, fromVariable);
            }

            throw new DllNotFoundException($"ONNX Runtime could not be loaded from {PathVariable}='{fromVariable}' (file missing or not a loadable ORT 1.30 library).");
        }

        foreach (var candidate in Candidates())
        {
            tried.Add(candidate);
            if (File.Exists(candidate) && NativeLibrary.TryLoad(candidate, out var handle))
            {
                return (handle, candidate);
            }
        }

        foreach (var name in new[] { LibraryFileName, "libonnxruntime.so", "onnxruntime" })
        {
            tried.Add(name + " (system search path)");
            if (NativeLibrary.TryLoad(name, Assembly.GetExecutingAssembly(), DllImportSearchPath.SafeDirectories, out var handle))
            {
                return (handle, name);
            }
        }

        throw new DllNotFoundException(
            "ONNX Runtime 1.30 (libonnxruntime.so.1) was not found. Provide it in one of these ways: "
            + $"(1) set {PathVariable} to the full path of libonnxruntime.so.1; "
            + "(2) run `ONNXRUNTIME_NODE_INSTALL=skip npm ci` in the repository so node_modules/onnxruntime-node@1.30.0 provides it; "
            + "(3) place libonnxruntime.so.1 next to the application or on the system library path (LD_LIBRARY_PATH, ldconfig). "
            + "Tried: " + string.Join("; ", tried));
    }

    private static IEnumerable<string> Candidates()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, NpmRelativePath);
                if (seen.Add(candidate))
                {
                    yield return candidate;
                }
            }
        }

        yield return Path.Combine(AppContext.BaseDirectory, LibraryFileName);
    }
}
