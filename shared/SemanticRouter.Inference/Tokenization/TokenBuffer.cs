using System.Buffers;

namespace SemanticRouter.Inference.Tokenization;

/// <summary>Per-thread scratch space for one encode call, so tokenizing allocates only the result arrays.</summary>
internal sealed class TokenBuffer
{
    [ThreadStatic]
    private static TokenBuffer? perThread;

    public int[] Ids = new int[256];
    public int[] Starts = new int[256];
    public int[] Ends = new int[256];
    public bool[] Special = new bool[256];
    public char[] WordChars = new char[128];
    public int[] WordStarts = new int[128];
    public int[] WordEnds = new int[128];
    public int Count;
    public int WordLength;

    public static TokenBuffer Rent()
    {
        var buffer = perThread ?? new TokenBuffer();
        perThread = null;
        buffer.Count = 0;
        buffer.WordLength = 0;
        return buffer;
    }

    public static void Return(TokenBuffer buffer) => perThread = buffer;

    public void Add(int id, int start, int end, bool special)
    {
        if (Count == Ids.Length)
        {
            Grow(ref Ids);
            Grow(ref Starts);
            Grow(ref Ends);
            Grow(ref Special);
        }

        Ids[Count] = id;
        Starts[Count] = start;
        Ends[Count] = end;
        Special[Count] = special;
        Count++;
    }

    public void AddWordChar(char c, int start, int end)
    {
        if (WordLength == WordChars.Length)
        {
            Grow(ref WordChars);
            Grow(ref WordStarts);
            Grow(ref WordEnds);
        }

        WordChars[WordLength] = c;
        WordStarts[WordLength] = start;
        WordEnds[WordLength] = end;
        WordLength++;
    }

    private static void Grow<T>(ref T[] array)
    {
        var bigger = new T[array.Length * 2];
        array.CopyTo(bigger, 0);
        array = bigger;
    }
}
