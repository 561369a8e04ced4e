namespace LstmMlNet.Data;

/// <summary>
/// Token → id map built at Fit: ids 1..V by descending count (ties broken by ordinal string order, so the map is
/// deterministic); id 0 is every token outside the map (out-of-vocabulary), which is also what ML.NET's
/// <c>MapValue</c> yields for a missing key when the fitted model scores new text.
/// </summary>
internal sealed class Vocabulary
{
    private Vocabulary(Dictionary<string, long> ids, int droppedTypes)
    {
        Ids = ids;
        DroppedTypes = droppedTypes;
    }

    /// <summary>The id of each known token (1-based).</summary>
    public IReadOnlyDictionary<string, long> Ids { get; }

    /// <summary>Distinct tokens left out by the size cap or the minimum count.</summary>
    public int DroppedTypes { get; }

    /// <summary>Embedding rows needed: known tokens + 1 (id 0).</summary>
    public int EmbeddingRows => Ids.Count + 1;

    /// <param name="rows">Token sequences of the training rows.</param>
    /// <param name="maxSize">Most tokens kept (the most frequent).</param>
    /// <param name="minCount">Least occurrences for a token to be kept.</param>
    public static Vocabulary Build(IEnumerable<string[]> rows, int maxSize, int minCount)
    {
        if (maxSize <= 0) throw new ArgumentOutOfRangeException(nameof(maxSize), maxSize, "The vocabulary size cap must be a positive integer.");
        if (minCount <= 0) throw new ArgumentOutOfRangeException(nameof(minCount), minCount, "The minimum token count must be a positive integer.");
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string[] row in rows)
        {
            foreach (string token in row)
            {
                counts[token] = counts.GetValueOrDefault(token) + 1;
            }
        }
        var kept = counts.Where(kv => kv.Value >= minCount)
            .OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Take(maxSize)
            .Select((kv, index) => (kv.Key, Id: (long)index + 1))
            .ToDictionary(p => p.Key, p => p.Id, StringComparer.Ordinal);
        return new Vocabulary(kept, counts.Count - kept.Count);
    }

    /// <summary>A vocabulary from a key-typed column's key values: key k (1-based) keeps id k.</summary>
    public static Vocabulary FromKeyValues(IReadOnlyList<string> keyValues)
    {
        var ids = new Dictionary<string, long>(StringComparer.Ordinal);
        for (int k = 0; k < keyValues.Count; k++) ids.TryAdd(keyValues[k], k + 1);
        return new Vocabulary(ids, 0);
    }

    /// <summary>Ids of <paramref name="tokens"/> (unknown → 0).</summary>
    public long[] Encode(string[] tokens) => tokens.Select(t => Ids.GetValueOrDefault(t)).ToArray();
}
