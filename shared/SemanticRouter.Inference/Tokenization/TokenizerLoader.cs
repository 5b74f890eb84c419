using System.Text.Json;

namespace SemanticRouter.Inference.Tokenization;

/// <summary>
/// Loads a Hugging Face tokenizer from a folder: <c>tokenizer.json</c> (WordPiece with BertNormalizer and
/// BertPreTokenizer), or <c>vocab.txt</c> plus <c>tokenizer_config.json</c> when there is no tokenizer.json.
/// </summary>
public static class TokenizerLoader
{
    private const int DefaultMaxLength = 512;

    /// <summary>Loads the tokenizer in <paramref name="folder"/>; unsupported or malformed files give a clear exception.</summary>
    public static ITokenizer Load(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"Tokenizer folder not found: '{Path.GetFullPath(folder)}'.");
        }

        var config = ReadOptionalJson(Path.Combine(folder, "tokenizer_config.json"));
        var tokenizerJson = Path.Combine(folder, "tokenizer.json");
        if (File.Exists(tokenizerJson))
        {
            using var doc = ParseJson(tokenizerJson);
            return FromTokenizerJson(doc.RootElement, config, tokenizerJson);
        }

        var vocabTxt = Path.Combine(folder, "vocab.txt");
        if (File.Exists(vocabTxt))
        {
            return FromVocabTxt(vocabTxt, config);
        }

        throw new FileNotFoundException($"No tokenizer.json or vocab.txt in '{Path.GetFullPath(folder)}'.");
    }

    private static WordPieceTokenizer FromTokenizerJson(JsonElement root, JsonElement? config, string path)
    {
        var model = root.GetProperty("model");
        var type = model.TryGetProperty("type", out var t) ? t.GetString() : null;
        if (type != "WordPiece")
        {
            throw new NotSupportedException($"'{path}': tokenizer model type '{type}' is not supported (WordPiece is).");
        }

        var tokens = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in model.GetProperty("vocab").EnumerateObject())
        {
            tokens[entry.Name] = entry.Value.GetInt32();
        }

        var added = new List<AddedToken>();
        if (root.TryGetProperty("added_tokens", out var addedTokens) && addedTokens.ValueKind == JsonValueKind.Array)
        {
            foreach (var a in addedTokens.EnumerateArray())
            {
                var content = a.GetProperty("content").GetString() ?? string.Empty;
                var id = a.GetProperty("id").GetInt32();
                var special = a.TryGetProperty("special", out var s) && s.GetBoolean();
                tokens[content] = id;
                added.Add(new AddedToken(content, id, special));
            }
        }

        var unk = model.TryGetProperty("unk_token", out var u) ? u.GetString() ?? "[UNK]" : "[UNK]";
        var prefix = model.TryGetProperty("continuing_subword_prefix", out var p) ? p.GetString() ?? "##" : "##";
        var maxChars = model.TryGetProperty("max_input_chars_per_word", out var m) && m.ValueKind == JsonValueKind.Number ? m.GetInt32() : 100;
        var vocabulary = new WordPieceVocabulary(tokens, prefix, unk);

        var normalizer = ReadNormalizer(root.TryGetProperty("normalizer", out var n) ? n : default, path);
        if (root.TryGetProperty("pre_tokenizer", out var pre) && pre.ValueKind == JsonValueKind.Object
            && pre.GetProperty("type").GetString() is not ("BertPreTokenizer" or null))
        {
            throw new NotSupportedException($"'{path}': pre-tokenizer '{pre.GetProperty("type").GetString()}' is not supported (BertPreTokenizer is).");
        }

        var template = ReadTemplate(root.TryGetProperty("post_processor", out var pp) ? pp : default, tokens, path);
        var truncation = root.TryGetProperty("truncation", out var tr) && tr.ValueKind == JsonValueKind.Object && tr.TryGetProperty("max_length", out var ml) ? ml.GetInt32() : (int?)null;
        var maxLength = ReadMaxLength(config) ?? truncation ?? DefaultMaxLength;
        var pad = tokens.TryGetValue(ConfigString(config, "pad_token") ?? "[PAD]", out var padId) ? padId : 0;
        return new WordPieceTokenizer(normalizer, vocabulary, template, added, maxChars, maxLength, pad);
    }

    private static WordPieceTokenizer FromVocabTxt(string path, JsonElement? config)
    {
        var tokens = new Dictionary<string, int>(StringComparer.Ordinal);
        var index = 0;
        foreach (var line in File.ReadLines(path))
        {
            tokens.TryAdd(line.TrimEnd('\r'), index++);
        }

        var lowercase = ConfigBool(config, "do_lower_case") ?? true;
        var strip = ConfigBool(config, "strip_accents");
        var normalizer = new BertNormalizerOptions(true, ConfigBool(config, "tokenize_chinese_chars") ?? true, lowercase, strip ?? lowercase);
        var unk = ConfigString(config, "unk_token") ?? "[UNK]";
        var cls = ConfigString(config, "cls_token") ?? "[CLS]";
        var sep = ConfigString(config, "sep_token") ?? "[SEP]";
        var specials = new[] { ConfigString(config, "pad_token") ?? "[PAD]", unk, cls, sep, ConfigString(config, "mask_token") ?? "[MASK]" };
        var added = specials.Where(tokens.ContainsKey).Distinct().Select(s => new AddedToken(s, tokens[s], true)).ToList();
        var template = tokens.ContainsKey(cls) && tokens.ContainsKey(sep)
            ? new PostProcessorTemplate([tokens[cls]], [0], 0, [tokens[sep]], [0])
            : PostProcessorTemplate.None;
        var pad = tokens.TryGetValue(specials[0], out var padId) ? padId : 0;
        return new WordPieceTokenizer(normalizer, new WordPieceVocabulary(tokens, "##", unk), template, added, 100, ReadMaxLength(config) ?? DefaultMaxLength, pad);
    }

    private static BertNormalizerOptions ReadNormalizer(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return new BertNormalizerOptions(false, false, false, false);
        }

        var type = element.GetProperty("type").GetString();
        if (type != "BertNormalizer")
        {
            throw new NotSupportedException($"'{path}': normalizer '{type}' is not supported (BertNormalizer is).");
        }

        bool Flag(string name, bool fallback) => element.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : fallback;
        var lowercase = Flag("lowercase", true);
        // strip_accents null follows lowercase, as in both the Rust and the JavaScript implementation.
        var strip = element.TryGetProperty("strip_accents", out var s) && s.ValueKind is JsonValueKind.True or JsonValueKind.False ? s.GetBoolean() : lowercase;
        return new BertNormalizerOptions(Flag("clean_text", true), Flag("handle_chinese_chars", true), lowercase, strip);
    }

    private static PostProcessorTemplate ReadTemplate(JsonElement element, Dictionary<string, int> tokens, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return PostProcessorTemplate.None;
        }

        int Id(string token) => tokens.TryGetValue(token, out var id) ? id : throw new InvalidDataException($"'{path}': post-processor token '{token}' is not in the vocabulary.");
        switch (element.GetProperty("type").GetString())
        {
            case "BertProcessing":
                return new PostProcessorTemplate([Id(element.GetProperty("cls")[0].GetString()!)], [0], 0, [Id(element.GetProperty("sep")[0].GetString()!)], [0]);
            case "TemplateProcessing":
                var prefix = new List<(int, int)>();
                var suffix = new List<(int, int)>();
                var sequenceType = 0;
                var seenSequence = false;
                foreach (var item in element.GetProperty("single").EnumerateArray())
                {
                    if (item.TryGetProperty("SpecialToken", out var special))
                    {
                        var entry = (Id(special.GetProperty("id").GetString()!), special.GetProperty("type_id").GetInt32());
                        (seenSequence ? suffix : prefix).Add(entry);
                    }
                    else if (item.TryGetProperty("Sequence", out var sequence))
                    {
                        seenSequence = true;
                        sequenceType = sequence.GetProperty("type_id").GetInt32();
                    }
                }

                return new PostProcessorTemplate(prefix.Select(p => p.Item1).ToArray(), prefix.Select(p => p.Item2).ToArray(), sequenceType, suffix.Select(p => p.Item1).ToArray(), suffix.Select(p => p.Item2).ToArray());
            case var other:
                throw new NotSupportedException($"'{path}': post-processor '{other}' is not supported (TemplateProcessing, BertProcessing are).");
        }
    }

    private static int? ReadMaxLength(JsonElement? config)
    {
        if (config is { } c && c.TryGetProperty("model_max_length", out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d) && d is > 0 and <= 1_000_000)
        {
            return (int)d;
        }

        return null;
    }

    private static string? ConfigString(JsonElement? config, string name)
    {
        if (config is not { } c || !c.TryGetProperty(name, out var v))
        {
            return null;
        }

        return v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Object when v.TryGetProperty("content", out var content) => content.GetString(),
            _ => null,
        };
    }

    private static bool? ConfigBool(JsonElement? config, string name) =>
        config is { } c && c.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : null;

    private static JsonElement? ReadOptionalJson(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        using var doc = ParseJson(path);
        return doc.RootElement.Clone();
    }

    private static JsonDocument ParseJson(string path)
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}' is not valid JSON: {e.Message}", e);
        }
    }
}
