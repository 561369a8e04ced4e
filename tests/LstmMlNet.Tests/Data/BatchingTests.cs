using LstmMlNet.Data;
using static TorchSharp.torch;

namespace LstmMlNet.Tests.Data;

public sealed class BatchingTests
{
    private static SequenceDataset Tokens(int count, int seed)
    {
        var random = new Random(seed);
        var rows = Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, random.Next(1, 40)).Select(_ => (long)random.Next(1, 100)).ToArray()).ToArray();
        return SequenceDataset.FromTokens(rows, rows.Select(r => (long)(r.Length % 2)).ToArray());
    }

    [Fact]
    public void Training_batches_cover_every_row_once_group_similar_lengths_and_repeat_with_the_seed()
    {
        SequenceDataset data = Tokens(1000, 1);
        List<int[]> a = BatchPlanner.Training(data, 16, new Random(7));
        List<int[]> b = BatchPlanner.Training(data, 16, new Random(7));
        List<int[]> c = BatchPlanner.Training(data, 16, new Random(8));
        Assert.Equal(Enumerable.Range(0, 1000), a.SelectMany(x => x).Order());
        Assert.Equal(a.Select(x => string.Join(",", x)), b.Select(x => string.Join(",", x)));
        Assert.NotEqual(a.Select(x => string.Join(",", x)), c.Select(x => string.Join(",", x)));
        // Bucketing: padding is a small share of each batch.
        double padded = a.Sum(batch => batch.Length * batch.Max(data.Length));
        double real = Enumerable.Range(0, 1000).Sum(data.Length);
        Assert.True(padded / real < 1.1, $"padding overhead {padded / real:F3}");
    }

    [Fact]
    public void Batches_are_padded_with_zeros_and_carry_lengths_and_targets()
    {
        var data = SequenceDataset.FromTokens(new[] { new long[] { 5, 6, 7 }, new long[] { 8 } }, new long[] { 1, 0 });
        using var scope = NewDisposeScope();
        SequenceBatch batch = BatchBuilder.Build(data, new[] { 1, 0 }, CPU);
        Assert.Equal(new long[] { 8, 0, 0, 5, 6, 7 }, batch.Inputs.data<long>().ToArray());
        Assert.Equal(new long[] { 1, 3 }, batch.Lengths.data<long>().ToArray());
        Assert.Equal(new long[] { 0, 1 }, batch.Targets.data<long>().ToArray());
    }

    [Fact]
    public void Seeded_split_is_disjoint_complete_and_repeatable()
    {
        // Each row is told apart by its first token (its index + 1), so the split can be checked row by row.
        var rows = Enumerable.Range(0, 100).Select(i => new long[] { i + 1, 7, 7 }).ToArray();
        SequenceDataset data = SequenceDataset.FromTokens(rows, rows.Select(r => r[0] % 2).ToArray());
        var (train, validation) = data.Split(0.2, seed: 3);
        Assert.Equal(80, train.Count);
        Assert.Equal(20, validation.Count);
        long[] trainIds = train.Tokens!.Select(t => t[0]).ToArray(), validationIds = validation.Tokens!.Select(t => t[0]).ToArray();
        Assert.Empty(trainIds.Intersect(validationIds));                                                  // disjoint
        Assert.Equal(Enumerable.Range(1, 100).Select(i => (long)i), trainIds.Concat(validationIds).Order()); // complete, each once
        Assert.All(train.Tokens!.Zip(train.Classes!), p => Assert.Equal(p.First[0] % 2, p.Second));        // labels travel with their rows
        var again = data.Split(0.2, seed: 3).Validation;
        Assert.Equal(validation.Tokens!.Select(t => string.Join(",", t)), again.Tokens!.Select(t => string.Join(",", t)));
        Assert.Throws<ArgumentException>(() => SequenceDataset.FromTokens(new[] { Array.Empty<long>() }, new long[] { 0 }));
    }
}
