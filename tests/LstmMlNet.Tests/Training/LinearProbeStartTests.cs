using LstmMlNet.Catalog;
using LstmMlNet.Data;
using LstmMlNet.Engine;
using LstmMlNet.Training;
using Microsoft.ML;
using Microsoft.ML.Data;
using static TorchSharp.torch;

namespace LstmMlNet.Tests.Training;

/// <summary>The head started from the linear probe (<see cref="LstmClassifierOptions.StartFromLinearProbe"/>): the
/// untrained network's logits equal an ML.NET L-BFGS model fitted independently on the rows' mean frames (computed here
/// by hand), the pooled columns start at zero, and the start as a candidate survives training that only makes
/// validation worse.</summary>
public sealed class LinearProbeStartTests
{
    private const int Width = 6;

    /// <summary>Seeded frame rows (3–8 steps of <see cref="Width"/> values) whose mean leans towards their class.</summary>
    private static (List<float[]> Frames, long[] Classes) Rows(int count, int classes, int seed, bool flip = false)
    {
        var random = new Random(seed);
        var frames = new List<float[]>();
        var labels = new long[count];
        for (int i = 0; i < count; i++)
        {
            int c = random.Next(classes);
            int steps = 3 + random.Next(6);
            var f = new float[steps * Width];
            for (int t = 0; t < steps; t++)
            {
                for (int d = 0; d < Width; d++) f[t * Width + d] = (float)(random.NextDouble() * 2 - 1 + (d % classes == c ? 0.8 : 0));
            }
            frames.Add(f);
            labels[i] = flip ? (c + 1) % classes : c;
        }
        return (frames, labels);
    }

    private static float[] Mean(float[] frames)
    {
        int steps = frames.Length / Width;
        var mean = new float[Width];
        for (int t = 0; t < steps; t++) for (int d = 0; d < Width; d++) mean[d] += frames[t * Width + d];
        for (int d = 0; d < Width; d++) mean[d] /= steps;
        return mean;
    }

    private static SequenceNetwork Network(int outputs)
    {
        random.manual_seed(7);
        var network = new SequenceNetwork(new NetworkSpec(new FrameInput(Width), outputs, RecurrentCellKind.Lstm, HiddenSize: 5,
            Bidirectional: true, Pooling: PoolingKind.Max, BagOfEmbeddings: true));
        network.eval();
        return network;
    }

    private static float[] Logits(SequenceNetwork network, SequenceDataset data)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        SequenceBatch batch = BatchBuilder.Build(data, Enumerable.Range(0, data.Count).ToArray(), CPU);
        return network.Forward(batch.Inputs, batch.Lengths).data<float>().ToArray();
    }

    private static SchemaDefinition Schema<T>(int classes)
    {
        var definition = SchemaDefinition.Create(typeof(T));
        definition["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, Width);
        if (classes > 0) definition["Label"].ColumnType = new KeyDataViewType(typeof(uint), classes);
        return definition;
    }

    [Fact]
    public void Multiclass_start_gives_the_probabilities_of_LbfgsMaximumEntropy_on_the_mean_frames()
    {
        using var scope = NewDisposeScope();
        var (frames, classes) = Rows(150, 3, seed: 1);
        var data = SequenceDataset.FromFrames(frames, Width, classes);
        using SequenceNetwork network = Network(3);
        LinearProbeStart.Apply(network, data, seed: 1, CPU, log: null);

        int pooled = network.Spec.HeadInputSize - Width;
        Assert.Equal(0f, network.Head.weight!.narrow(1, 0, pooled).abs().max().item<float>());
        var ml = new MLContext(seed: 1);
        var rows = frames.Select((f, i) => new MulticlassRow { Features = Mean(f), Label = (uint)classes[i] }).ToList();
        IDataView view = ml.Data.LoadFromEnumerable(rows, Schema<MulticlassRow>(3));
        var probe = ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy().Fit(view);
        float[][] expected = probe.Transform(view).GetColumn<VBuffer<float>>("Score").Select(v => v.DenseValues().ToArray()).ToArray();
        float[] logits = Logits(network, data);
        for (int i = 0; i < rows.Count; i++)
        {
            double[] z = logits.Skip(3 * i).Take(3).Select(v => (double)v).ToArray();
            double sum = z.Sum(v => Math.Exp(v - z.Max()));
            for (int k = 0; k < 3; k++) Assert.Equal(expected[i][k], Math.Exp(z[k] - z.Max()) / sum, 1e-4);
        }
        // The probe is not a trivial one: it reads the classes from the mean frames.
        Assert.True(expected.Select((p, i) => Array.IndexOf(p, p.Max()) == classes[i]).Count(x => x) > 120);
    }

    [Fact]
    public void Binary_start_gives_the_margin_of_LbfgsLogisticRegression_on_the_mean_frames()
    {
        using var scope = NewDisposeScope();
        var (frames, classes) = Rows(120, 2, seed: 2);
        float[] targets = classes.Select(c => (float)c).ToArray();
        var data = SequenceDataset.FromFrames(frames, Width, targets, 1);
        using SequenceNetwork network = Network(1);
        LinearProbeStart.Apply(network, data, seed: 1, CPU, log: null);

        var ml = new MLContext(seed: 1);
        var rows = frames.Select((f, i) => new BinaryRow { Features = Mean(f), Label = classes[i] == 1 }).ToList();
        IDataView view = ml.Data.LoadFromEnumerable(rows, Schema<BinaryRow>(0));
        float[] expected = ml.BinaryClassification.Trainers.LbfgsLogisticRegression().Fit(view).Transform(view).GetColumn<float>("Score").ToArray();
        float[] logits = Logits(network, data);
        for (int i = 0; i < rows.Count; i++) Assert.Equal(expected[i], logits[i], 1e-4);
        Assert.True(expected.Select((s, i) => (s > 0) == (classes[i] == 1)).Count(x => x) > 100);
    }

    [Fact]
    public void Start_stays_when_every_epoch_is_worse_on_validation()
    {
        using var scope = NewDisposeScope();
        var (frames, classes) = Rows(150, 3, seed: 3);
        var clean = SequenceDataset.FromFrames(frames, Width, classes);
        using SequenceNetwork network = Network(3);
        LinearProbeStart.Apply(network, clean, seed: 1, CPU, log: null);
        float[] start = Logits(network, clean);
        // Training on the same rows with every label moved to the next class only takes the network away from the
        // validation rows' true labels.
        var (_, flipped) = Rows(150, 3, seed: 3, flip: true);
        var misled = SequenceDataset.FromFrames(frames, Width, flipped);
        var options = new TrainingOptions { Epochs = 3, BatchSize = 16, LearningRate = 1e-2, EarlyStoppingPatience = 0 };

        TrainingResult result = TrainingLoop.Run(network, new MulticlassObjective(), misled, clean, options, seed: 1, CPU, startIsCandidate: true);

        Assert.Equal(3, result.History.Count);
        Assert.Equal(0, result.BestEpoch);
        Assert.Equal(start, Logits(network, clean));
        // Without the start as a candidate, the same run keeps one of its epochs.
        using SequenceNetwork other = Network(3);
        LinearProbeStart.Apply(other, clean, seed: 1, CPU, log: null);
        Assert.InRange(TrainingLoop.Run(other, new MulticlassObjective(), misled, clean, options, seed: 1, CPU).BestEpoch, 1, 3);
    }

    [Fact]
    public void Start_needs_frames_with_a_bag_of_embeddings()
    {
        var (frames, classes) = Rows(20, 2, seed: 4);
        random.manual_seed(7);
        using var network = new SequenceNetwork(new NetworkSpec(new FrameInput(Width), 2, HiddenSize: 4));
        var e = Assert.Throws<InvalidOperationException>(() =>
            LinearProbeStart.Apply(network, SequenceDataset.FromFrames(frames, Width, classes), seed: 1, CPU, log: null));
        Assert.Contains("bag of embeddings", e.Message);
    }

    /// <summary>A probe row of the multiclass check (ML.NET reads a key member of a class 0-based: 0 is the first key).</summary>
    public sealed class MulticlassRow
    {
        public float[] Features { get; set; } = Array.Empty<float>();
        public uint Label { get; set; }
    }

    /// <summary>A probe row of the binary check.</summary>
    public sealed class BinaryRow
    {
        public float[] Features { get; set; } = Array.Empty<float>();
        public bool Label { get; set; }
    }
}
