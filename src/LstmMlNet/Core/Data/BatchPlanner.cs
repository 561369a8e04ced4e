namespace LstmMlNet.Data;

/// <summary>
/// Orders sequences into mini-batches. Training order: a seeded shuffle, then length bucketing inside windows of
/// <see cref="BucketWindow"/> batches (sequences of similar length share a batch, so little padding is computed),
/// then a shuffle of the batches. Evaluation order: sorted by length, no randomness.
/// </summary>
internal static class BatchPlanner
{
    /// <summary>Batches per bucketing window.</summary>
    public const int BucketWindow = 50;

    /// <summary>Training batches of one epoch; with <paramref name="rows"/> in (0, Count) only that many rows, the first
    /// of the seeded shuffle (a uniform draw without replacement, new each epoch).</summary>
    public static List<int[]> Training(SequenceDataset data, int batchSize, Random random, int rows = 0)
    {
        int[] order = Enumerable.Range(0, data.Count).ToArray();
        random.Shuffle(order);
        if (rows > 0 && rows < order.Length) order = order[..rows];
        var batches = new List<int[]>();
        int window = batchSize * BucketWindow;
        for (int start = 0; start < order.Length; start += window)
        {
            int[] chunk = order[start..Math.Min(order.Length, start + window)];
            int[] sorted = chunk.OrderBy(data.Length).ToArray(); // stable: ties keep the shuffled order
            Cut(sorted, batchSize, batches);
        }
        int[][] shuffled = batches.ToArray();
        random.Shuffle(shuffled);
        return shuffled.ToList();
    }

    public static List<int[]> Evaluation(SequenceDataset data, int batchSize)
    {
        int[] sorted = Enumerable.Range(0, data.Count).OrderBy(data.Length).ToArray();
        var batches = new List<int[]>();
        Cut(sorted, batchSize, batches);
        return batches;
    }

    private static void Cut(int[] indices, int batchSize, List<int[]> into)
    {
        for (int s = 0; s < indices.Length; s += batchSize)
        {
            into.Add(indices[s..Math.Min(indices.Length, s + batchSize)]);
        }
    }
}
