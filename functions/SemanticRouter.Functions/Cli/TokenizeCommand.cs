using System.CommandLine;
using System.Text.Json;
using SemanticRouter.Inference.Tokenization;

namespace SemanticRouter.Functions.Cli;

/// <summary>
/// <c>tokenize --tokenizer DIR (--text T | --input FILE) [--offsets]</c>: prints the token ids of each input line as one
/// JSON array per line (no truncation), to compare with Hugging Face when a model misbehaves.
/// </summary>
internal static class TokenizeCommand
{
    public static Command Create()
    {
        var tokenizer = new Option<DirectoryInfo>("--tokenizer") { Description = "Folder with tokenizer.json (or vocab.txt), e.g. a model folder.", Required = true };
        var text = new Option<string?>("--text") { Description = "One text to tokenize." };
        var input = new Option<FileInfo?>("--input") { Description = "A file with one text per line." };
        var offsets = new Option<bool>("--offsets") { Description = "Print {\"ids\":[…],\"offsets\":[[start,end],…]} instead of the ids alone." };
        var command = new Command("tokenize", "Print token ids (JSON, one line per input line) for a Hugging Face tokenizer.") { tokenizer, text, input, offsets };
        command.SetAction(parseResult =>
        {
            var error = parseResult.InvocationConfiguration.Error;
            var lines = CliInputs.ReadLines(parseResult.GetValue(text), parseResult.GetValue(input), error);
            if (lines is null)
            {
                return 2;
            }

            ITokenizer loaded;
            try
            {
                loaded = TokenizerLoader.Load(parseResult.GetValue(tokenizer)!.FullName);
            }
            catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException or UnauthorizedAccessException)
            {
                error.WriteLine(e.Message);
                return 1;
            }

            var output = parseResult.InvocationConfiguration.Output;
            var withOffsets = parseResult.GetValue(offsets);
            foreach (var line in lines)
            {
                var encoded = loaded.Encode(line, int.MaxValue, OverflowBehavior.Truncate);
                output.WriteLine(withOffsets
                    ? JsonSerializer.Serialize(new { ids = encoded.Ids, offsets = encoded.Offsets.Select(o => new[] { o.Start, o.End }) })
                    : JsonSerializer.Serialize(encoded.Ids));
            }

            return 0;
        });
        return command;
    }
}
