using LstmMlNet.Data;
using LstmMlNet.Engine;
using LstmMlNet.Training;
using static TorchSharp.torch;

namespace LstmMlNet.Tests.Training;

/// <summary>The row-sparse Adam of the embedding tables (<see cref="LazyRowAdam"/>) against libtorch's dense Adam.</summary>
public sealed class LazyRowAdamTests
{
    private static readonly string[] Words = { "good", "goods", "goodness", "bad", "badly", "film", "films", "a", "xyz", "plot", "actor" };

    private static SequenceNetwork Network(int seed)
    {
        random.manual_seed(seed);
        var ids = Words.Select((w, i) => (w, Id: (long)i + 1)).ToDictionary(p => p.w, p => p.Id);
        SubwordTable table = new SubwordNgrams(64, 3, 5).Table(ids, Words.Length + 1);
        var spec = new NetworkSpec(new TokenInput(Words.Length + 1, 6, SubwordBuckets: 64), 3, RecurrentCellKind.Lstm, HiddenSize: 5, Bidirectional: true, BagOfEmbeddings: true);
        return new SequenceNetwork(spec, table);
    }

    private static SequenceBatch Batch(params long[][] rows) =>
        BatchBuilder.Build(SequenceDataset.FromTokens(rows, rows.Select((_, i) => (long)(i % 3)).ToArray()), Enumerable.Range(0, rows.Length).ToArray(), CPU);

    /// <summary>Trains two copies of one network on the same batch for four steps, one with dense Adam on every
    /// parameter, one with the tables on <see cref="LazyRowAdam"/>: every row the batch touches is touched on every step,
    /// and the others never get a gradient, so the two must agree on every parameter (clipping active; with weight decay,
    /// which dense Adam applies to every row, on the touched rows).</summary>
    [Theory]
    [InlineData(OptimizerKind.Adam, 0.0, 5.0)]
    [InlineData(OptimizerKind.Adam, 0.01, 0.05)]
    [InlineData(OptimizerKind.AdamW, 0.01, 0.05)]
    public void Rows_touched_on_every_step_follow_dense_adam(OptimizerKind kind, double weightDecay, double clip)
    {
        using var scope = NewDisposeScope();
        SequenceBatch batch = Batch(new long[] { 1, 2, 3, 0 }, new long[] { 4, 5 }, new long[] { 6, 2, 2 });
        var options = new TrainingOptions { Optimizer = kind, WeightDecay = weightDecay, LearningRate = 0.01, GradientClipNorm = clip };
        var objective = new MulticlassObjective();

        SequenceNetwork dense = Network(3);
        var denseParameters = dense.parameters().ToArray();
        using var denseOptimizer = DenseOptimizer.Create(denseParameters, options);

        SequenceNetwork sparse = Network(3);
        var sparseParameters = sparse.parameters().ToArray();
        using var lazy = LazyRowAdam.For(sparse, options, CPU)!;
        Assert.NotNull(lazy);
        Assert.Equal(sparseParameters.Length - 2, lazy.Others(sparseParameters).Length);
        using var sparseOptimizer = DenseOptimizer.Create(lazy.Others(sparseParameters), options);
        dense.train();
        sparse.train();
        for (int step = 0; step < 4; step++)
        {
            TrainingLoop.ApplyStep(denseOptimizer, denseParameters, objective.Loss(dense, batch), clip);
            TrainingLoop.ApplyStep(sparseOptimizer, sparseParameters, objective.Loss(sparse, batch), clip, lazy);
        }
        // With weight decay dense Adam also shrinks the rows no batch touches; compare the touched rows of the tables then.
        long[] tokenRows = { 0, 1, 2, 3, 4, 5, 6 };
        SubwordTable table = new SubwordNgrams(64, 3, 5).Table(Words.Select((w, i) => (w, Id: (long)i + 1)).ToDictionary(p => p.w, p => p.Id), Words.Length + 1);
        long[] bucketRows = tokenRows.SelectMany(r => table.Indices.Skip((int)r * table.Width).Take(table.Width)).Where(b => b < 64).Distinct().ToArray();
        var expected = dense.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, actual) in sparse.named_parameters())
        {
            Tensor a = actual, b = expected[name];
            if (weightDecay > 0 && name.StartsWith("input.embedding", StringComparison.Ordinal)) (a, b) = (a.index_select(0, tensor(tokenRows)), b.index_select(0, tensor(tokenRows)));
            if (weightDecay > 0 && name.StartsWith("input.subwords", StringComparison.Ordinal)) (a, b) = (a.index_select(0, tensor(bucketRows)), b.index_select(0, tensor(bucketRows)));
            float gap = (a - b).abs().max().item<float>();
            Assert.True(gap < 1e-6f, $"{name}: largest difference {gap}");
        }
        Tensor initial = Network(3).Subwords!.weight!;
        Assert.True((sparse.Subwords!.weight! - initial).abs().max().item<float>() > 1e-3f, "the n-gram table was not trained");
    }

    [Fact]
    public void A_row_no_batch_touches_keeps_its_value_where_dense_adam_moves_it_by_momentum()
    {
        using var scope = NewDisposeScope();
        var options = new TrainingOptions { LearningRate = 0.01, GradientClipNorm = 0 };
        var objective = new MulticlassObjective();
        SequenceNetwork network = Network(4);
        var parameters = network.parameters().ToArray();
        using var lazy = LazyRowAdam.For(network, options, CPU)!;
        using var optimizer = DenseOptimizer.Create(lazy.Others(parameters), options);
        network.train();
        TrainingLoop.ApplyStep(optimizer, parameters, objective.Loss(network, Batch(new long[] { 9, 10 })), 0, lazy);
        Tensor afterFirst = network.Embedding!.weight![9].clone();
        TrainingLoop.ApplyStep(optimizer, parameters, objective.Loss(network, Batch(new long[] { 1, 2 })), 0, lazy);
        Assert.Equal(afterFirst.data<float>().ToArray(), network.Embedding!.weight![9].data<float>().ToArray());

        SequenceNetwork denseNetwork = Network(4);
        var denseParameters = denseNetwork.parameters().ToArray();
        using var denseOptimizer = DenseOptimizer.Create(denseParameters, options);
        denseNetwork.train();
        TrainingLoop.ApplyStep(denseOptimizer, denseParameters, objective.Loss(denseNetwork, Batch(new long[] { 9, 10 })), 0);
        Tensor denseFirst = denseNetwork.Embedding!.weight![9].clone();
        Assert.True((denseFirst - afterFirst).abs().max().item<float>() < 1e-6f, "the first step differs");
        TrainingLoop.ApplyStep(denseOptimizer, denseParameters, objective.Loss(denseNetwork, Batch(new long[] { 1, 2 })), 0);
        Assert.True((denseNetwork.Embedding!.weight![9] - denseFirst).abs().max().item<float>() > 1e-4f, "dense Adam should move the row by its momentum");
    }

    [Fact]
    public void Sparse_updates_apply_only_to_adam_on_the_cpu_with_subwords()
    {
        using var scope = NewDisposeScope();
        SequenceNetwork network = Network(5);
        Assert.Null(LazyRowAdam.For(network, new TrainingOptions { Optimizer = OptimizerKind.Sgd }, CPU));
        Assert.Null(LazyRowAdam.For(network, new TrainingOptions { SparseEmbeddingUpdates = false }, CPU));
        var plain = new SequenceNetwork(new NetworkSpec(new TokenInput(5, 4), 2, RecurrentCellKind.Gru, HiddenSize: 3));
        Assert.Null(LazyRowAdam.For(plain, new TrainingOptions(), CPU));
    }
}
