namespace LstmMlNet.Data;

/// <summary>
/// Character n-grams of tokens hashed into a fixed number of buckets, the subword scheme of fastText (Bojanowski et
/// al. 2017): a token w is read as "&lt;" + w + "&gt;" and every substring of <see cref="MinLength"/> to
/// <see cref="MaxLength"/> characters (the whole bracketed token included when it is that short) is hashed with 32-bit
/// FNV-1a over its UTF-16 code units, modulo <see cref="Buckets"/>. Each token keeps its distinct buckets in ascending
/// order, so the same token always maps to the same list.
/// </summary>
internal sealed class SubwordNgrams
{
    private const uint FnvOffset = 2166136261;
    private const uint FnvPrime = 16777619;

    /// <param name="buckets">Hash buckets, B &gt; 0.</param>
    /// <param name="minLength">Shortest n-gram, in characters (boundary marks included), ≥ 1.</param>
    /// <param name="maxLength">Longest n-gram, ≥ <paramref name="minLength"/>.</param>
    public SubwordNgrams(int buckets, int minLength, int maxLength)
    {
        if (buckets <= 0) throw new ArgumentOutOfRangeException(nameof(buckets), buckets, "The number of subword buckets must be positive.");
        if (minLength < 1) throw new ArgumentOutOfRangeException(nameof(minLength), minLength, "The shortest n-gram must have at least one character.");
        if (maxLength < minLength) throw new ArgumentOutOfRangeException(nameof(maxLength), maxLength, $"The longest n-gram must be at least the shortest ({minLength}).");
        Buckets = buckets;
        MinLength = minLength;
        MaxLength = maxLength;
    }

    public int Buckets { get; }

    public int MinLength { get; }

    public int MaxLength { get; }

    /// <summary>The n-grams of <paramref name="token"/> (with boundary marks), in order of position then length.</summary>
    public IEnumerable<string> Ngrams(string token)
    {
        string marked = "<" + token + ">";
        for (int start = 0; start < marked.Length; start++)
        {
            for (int n = MinLength; n <= MaxLength && start + n <= marked.Length; n++)
            {
                yield return marked.Substring(start, n);
            }
        }
    }

    /// <summary>Distinct bucket ids of <paramref name="token"/>'s n-grams, ascending.</summary>
    public int[] BucketsOf(string token) => Ngrams(token).Select(Bucket).Distinct().Order().ToArray();

    /// <summary>The bucket of one n-gram: FNV-1a (32 bits) over its UTF-16 code units, modulo <see cref="Buckets"/>.</summary>
    public int Bucket(string ngram)
    {
        uint hash = FnvOffset;
        foreach (char c in ngram)
        {
            hash ^= c;
            hash *= FnvPrime;
        }
        return (int)(hash % (uint)Buckets);
    }

    /// <summary>
    /// The bucket lists of a vocabulary's rows as a padded table: row r (embedding row r, 0 = out-of-vocabulary, which
    /// has no n-grams) holds its buckets then <see cref="Buckets"/> as padding, [rows, widest]; and per row the
    /// number of vectors averaged, 1 (the token's own) + its bucket count.
    /// </summary>
    public SubwordTable Table(IReadOnlyDictionary<string, long> ids, int rows)
    {
        var lists = new int[rows][];
        Array.Fill(lists, Array.Empty<int>());
        foreach (var (token, id) in ids)
        {
            if (id <= 0 || id >= rows) throw new ArgumentOutOfRangeException(nameof(ids), id, $"Token '{token}' has id {id} outside 1..{rows - 1}.");
            lists[id] = BucketsOf(token);
        }
        int width = Math.Max(1, lists.Max(l => l.Length));
        var table = new long[rows * width];
        Array.Fill(table, Buckets);
        var counts = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            for (int k = 0; k < lists[r].Length; k++) table[r * width + k] = lists[r][k];
            counts[r] = 1 + lists[r].Length;
        }
        return new SubwordTable(table, rows, width, counts);
    }
}
