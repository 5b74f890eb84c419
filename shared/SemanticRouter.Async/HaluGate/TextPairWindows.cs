using SemanticRouter.Inference.Tokenization;

namespace SemanticRouter.Async.HaluGate;

/// <summary>
/// Builds the BERT text-pair inputs a LettuceDetect-style detector reads,
/// <c>[CLS] context question [SEP] answer [SEP]</c> with token_type_ids 0 for the first segment and 1 for the
/// answer, from a single-sequence tokenizer: each text is tokenized on its own and the template's special tokens
/// are placed around the two segments. An answer too long for one input is cut into consecutive windows, each
/// paired with as much of the premise as fits (the question is kept; the context is cut at its end).
/// </summary>
internal sealed class TextPairWindows
{
    private readonly ITokenizer _tokenizer;
    private readonly int _maxLength;
    private readonly int[] _prefix;
    private readonly int[] _suffix;

    public TextPairWindows(ITokenizer tokenizer, int maxLength)
    {
        _tokenizer = tokenizer;
        _maxLength = maxLength;

        // Template tokens carry the empty offset range; the probe's own token does not.
        var probe = tokenizer.Encode("a", int.MaxValue, OverflowBehavior.Truncate);
        var first = Array.FindIndex(probe.Offsets, o => o.End > o.Start);
        if (first < 0)
        {
            throw new InvalidDataException("The detector's tokenizer produced no token for a plain letter.");
        }

        _prefix = probe.Ids[..first];
        _suffix = probe.Ids[(first + 1)..];
        if (Room < 8)
        {
            throw new InvalidDataException($"The detector's maximum length {maxLength} leaves no room for a context and an answer.");
        }
    }

    /// <summary>Tokens left for the two texts in one model input.</summary>
    private int Room => _maxLength - _prefix.Length - (2 * _suffix.Length);

    public IReadOnlyList<PairWindow> Build(string context, string question, string answer)
    {
        var answerTokens = Content(answer);
        var questionTokens = Content(question);
        var contextTokens = Content(context);
        if (answerTokens.Count == 0)
        {
            return [];
        }

        var premiseLength = contextTokens.Count + questionTokens.Count;
        var chunk = answerTokens.Count + premiseLength <= Room ? answerTokens.Count : Math.Max(Room / 2, Room - premiseLength);
        var premiseBudget = Room - chunk;
        var questionKept = Math.Min(questionTokens.Count, premiseBudget / 2);
        var contextKept = Math.Min(contextTokens.Count, premiseBudget - questionKept);

        var windows = new List<PairWindow>();
        for (var from = 0; from < answerTokens.Count; from += chunk)
        {
            var take = Math.Min(chunk, answerTokens.Count - from);
            var length = _prefix.Length + contextKept + questionKept + _suffix.Length + take + _suffix.Length;
            var ids = new long[length];
            var types = new long[length];
            var offsets = new TokenOffset[take];
            var k = 0;
            foreach (var id in _prefix)
            {
                ids[k++] = id;
            }

            for (var i = 0; i < contextKept; i++)
            {
                ids[k++] = contextTokens.Ids[i];
            }

            for (var i = 0; i < questionKept; i++)
            {
                ids[k++] = questionTokens.Ids[i];
            }

            foreach (var id in _suffix)
            {
                ids[k++] = id;
            }

            var answerStart = k;
            for (var i = 0; i < take; i++)
            {
                offsets[i] = answerTokens.Offsets[from + i];
                types[k] = 1;
                ids[k++] = answerTokens.Ids[from + i];
            }

            foreach (var id in _suffix)
            {
                types[k] = 1;
                ids[k++] = id;
            }

            windows.Add(new PairWindow(ids, types, answerStart, offsets));
        }

        return windows;
    }

    private (List<int> Ids, List<TokenOffset> Offsets, int Count) Content(string text)
    {
        var encoded = _tokenizer.Encode(text, int.MaxValue, OverflowBehavior.Truncate);
        var ids = new List<int>(encoded.Count);
        var offsets = new List<TokenOffset>(encoded.Count);
        for (var i = _prefix.Length; i < encoded.Count - _suffix.Length; i++)
        {
            ids.Add(encoded.Ids[i]);
            offsets.Add(encoded.Offsets[i]);
        }

        return (ids, offsets, ids.Count);
    }
}

/// <summary>One model input: ids and segment ids of the pair; answer tokens start at <see cref="AnswerStart"/>, with their character ranges in the answer.</summary>
internal sealed record PairWindow(long[] Ids, long[] TypeIds, int AnswerStart, TokenOffset[] AnswerOffsets);
