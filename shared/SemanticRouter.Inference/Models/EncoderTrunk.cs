using System.Collections.Concurrent;
using System.Security.Cryptography;
using SemanticRouter.Inference.OnnxRuntime;
using SemanticRouter.Inference.Tokenization;

namespace SemanticRouter.Inference.Models;

/// <summary>
/// The lower layers that several model folders share (the default classifier, PII tagger and embedder keep
/// all-MiniLM-L6-v2's embeddings and layers 1–3 frozen). Folders whose trunk files have the same SHA-256 get one
/// instance: one session, and one result per distinct token sequence — computed by whichever model asks first, joined
/// by the others while it runs and kept for a while after (a byte budget, oldest first) — so one prompt pays for the
/// trunk once instead of once per model. A result is a function of the token ids alone, so sharing it between models
/// and requests changes nothing but the cost.
/// </summary>
internal sealed class EncoderTrunk
{
    /// <summary>Finished results kept for late callers: about 100 prompts of 100 tokens at hidden size 384.</summary>
    public const long RetainedBytesBudget = 16L << 20;

    private static readonly Dictionary<string, EncoderTrunk> Shared = new(StringComparer.Ordinal);

    private readonly ConcurrentDictionary<TokenKey, Entry> entries = new();
    private readonly ConcurrentQueue<(Entry Entry, long Bytes)> retained = new();
    private readonly string key;
    private readonly string[] inputNames;
    private long retainedBytes;
    private int references;

    private EncoderTrunk(string key, OrtSession session, string output)
    {
        this.key = key;
        Session = session;
        Output = output;
        if (!session.HasOutput(output))
        {
            throw new NotSupportedException($"Trunk graph '{session.Source}' has no output '{output}' (outputs: {string.Join(", ", session.Outputs.Select(o => o.Name))}).");
        }

        var unknown = session.Inputs.Select(i => i.Name).Where(n => !TokenTensors.Names.Contains(n)).ToList();
        if (unknown.Count > 0 || !session.HasInput("input_ids"))
        {
            throw new NotSupportedException(
                $"Trunk graph '{session.Source}' declares inputs [{string.Join(", ", session.Inputs.Select(i => i.Name))}]; "
                + "the engine feeds input_ids, attention_mask and token_type_ids (input_ids required).");
        }

        inputNames = session.Inputs.Select(i => i.Name).ToArray();
        var shape = session.Outputs.First(o => o.Name == output).Shape;
        Width = shape.Count > 0 ? (int)shape[^1] : -1;
    }

    public OrtSession Session { get; }

    public string Output { get; }

    /// <summary>Hidden size the graph declares for <see cref="Output"/>; -1 when it is dynamic.</summary>
    public int Width { get; }

    /// <summary>Results held now (in flight or retained); for tests and diagnostics.</summary>
    public int Count => entries.Count;

    /// <summary>
    /// The shared trunk for <paramref name="reference"/>, loading it on first use; every call must be paired with
    /// <see cref="Release"/>.
    /// </summary>
    public static EncoderTrunk Acquire(TrunkReference reference, OrtSessionOptions options)
    {
        string digest;
        using (var file = File.OpenRead(reference.Path))
        {
            digest = Convert.ToHexString(SHA256.HashData(file));
        }

        var key = string.Join('|', digest, reference.Output, options.GraphOptimizationLevel, options.UseMemoryArena);
        lock (Shared)
        {
            if (!Shared.TryGetValue(key, out var trunk))
            {
                trunk = new EncoderTrunk(key, OrtSession.Load(reference.Path, options), reference.Output);
                Shared[key] = trunk;
            }

            trunk.references++;
            return trunk;
        }
    }

    public void Release()
    {
        lock (Shared)
        {
            if (--references > 0)
            {
                return;
            }

            Shared.Remove(key);
        }

        Session.Dispose();
    }

    /// <summary>
    /// The trunk's hidden states of each text ([tokens × hidden], row-major, padding cut off). Texts nobody is computing
    /// yet run here in one padded batch; texts another caller is computing are waited for.
    /// </summary>
    public float[][] Encode(IReadOnlyList<TokenizedText> batch, long padTokenId)
    {
        var slots = new Entry[batch.Count];
        List<int>? mine = null;
        for (var r = 0; r < batch.Count; r++)
        {
            var fresh = new Entry(new TokenKey(batch[r]));
            var entry = entries.GetOrAdd(fresh.Key, fresh);
            if (ReferenceEquals(entry, fresh))
            {
                (mine ??= []).Add(r);
            }

            slots[r] = entry;
        }

        // Compute before waiting: an owner never waits, so two callers cannot wait on each other.
        if (mine is not null)
        {
            Compute(batch, mine, slots, padTokenId);
        }

        var states = new float[batch.Count][];
        for (var r = 0; r < batch.Count; r++)
        {
            states[r] = slots[r].Completion.Task.GetAwaiter().GetResult();
        }

        return states;
    }

    private void Compute(IReadOnlyList<TokenizedText> batch, List<int> rows, Entry[] slots, long padTokenId)
    {
        try
        {
            var texts = rows.Select(r => batch[r]).ToArray();
            var length = TokenTensors.Length(texts);
            var inputs = inputNames.Select(n => TokenTensors.Build(n, texts, length, padTokenId)).ToArray();
            var hidden = Session.Run(inputs, [Output])[0];
            var width = (int)hidden.Shape[^1];
            for (var i = 0; i < texts.Length; i++)
            {
                var state = hidden.Data.AsSpan(i * length * width, texts[i].Count * width).ToArray();
                var entry = slots[rows[i]];
                entry.Completion.TrySetResult(state);
                Retain(entry, state.Length * sizeof(float));
            }
        }
        catch (Exception e)
        {
            foreach (var r in rows)
            {
                entries.TryRemove(KeyValuePair.Create(slots[r].Key, slots[r]));
                slots[r].Completion.TrySetException(e);
            }

            throw;
        }
    }

    private void Retain(Entry entry, long bytes)
    {
        retained.Enqueue((entry, bytes));
        var total = Interlocked.Add(ref retainedBytes, bytes);
        while (total > RetainedBytesBudget && retained.TryDequeue(out var oldest))
        {
            entries.TryRemove(KeyValuePair.Create(oldest.Entry.Key, oldest.Entry));
            total = Interlocked.Add(ref retainedBytes, -oldest.Bytes);
        }
    }

    private sealed class Entry(TokenKey key)
    {
        public TokenKey Key { get; } = key;

        public TaskCompletionSource<float[]> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
