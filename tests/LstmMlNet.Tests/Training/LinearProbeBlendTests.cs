using LstmMlNet.Catalog;
using LstmMlNet.Data;
using LstmMlNet.Engine;
using LstmMlNet.Training;
using LstmMlNet.Tests.Catalog;
using LstmMlNet.Tests.Infrastructure;
using LstmMlNet.Tests.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using static TorchSharp.torch;

namespace LstmMlNet.Tests.Training;

/// <summary>The linear probe blended into a classifier over frames (<see cref="LstmClassifierOptions.LinearProbeWeight"/>):
/// the probe equals an ML.NET L-BFGS model fitted here by hand on the rows' mean frames, the folded head gives exactly
/// the blend of the two models' logits, the weight chosen on validation follows the validation loss, and the saved model
/// scores the blend with nothing new to load.</summary>
public sealed class LinearProbeBlendTests
{
    private const int Width = 6;

    /// <summary>Seeded frame rows (3–8 steps of <see cref="Width"/> values) whose mean leans towards their class.</summary>
    internal static (List<float[]> Frames, long[] Classes) Rows(int count, int classes, int seed, bool flip = false)
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
                for (int d = 0; d < Width; d++) f[t * Width + d] = (float)(2 * (random.NextDouble() * 2 - 1 + (d % classes == c ? 0.8 : 0)));
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

    /// <summary>Each mean divided by the median of the means' norms: the features the probe is documented to fit on.</summary>
    private static float[][] ScaledMeans(List<float[]> frames)
    {
        float[][] means = frames.Select(Mean).ToArray();
        float[] norms = means.Select(m => MathF.Sqrt(m.Sum(v => v * v))).Order().ToArray();
        float median = norms[norms.Length / 2];
        return means.Select(m => m.Select(v => v / median).ToArray()).ToArray();
    }

    private static SequenceNetwork Network(int outputs)
    {
        random.manual_seed(7);
        var network = new SequenceNetwork(new NetworkSpec(new FrameInput(Width), outputs, RecurrentCellKind.Lstm, HiddenSize: 5,
            Bidirectional: true, Pooling: PoolingKind.Max, BagOfEmbeddings: true));
        network.eval();
        return network;
    }

    private static SchemaDefinition Schema<T>(int classes)
    {
        var definition = SchemaDefinition.Create(typeof(T));
        definition["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, Width);
        if (classes > 0) definition["Label"].ColumnType = new KeyDataViewType(typeof(uint), classes);
        return definition;
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(1.0)]
    [InlineData(0.25)]
    public void Multiclass_fold_gives_the_blend_of_the_network_and_LbfgsMaximumEntropy(double w)
    {
        using var scope = NewDisposeScope();
        var (frames, classes) = Rows(150, 3, seed: 1);
        var data = SequenceDataset.FromFrames(frames, Width, classes);
        using SequenceNetwork network = Network(3);
        float[][] before = LinearProbeBlend.NetworkLogits(network, data, CPU);
        LinearProbeBlend.Probe probe = LinearProbeBlend.Fit(network, data, seed: 1, CPU, log: null)!;
        LinearProbeBlend.Fold(network, probe, w, log: null);
        float[][] after = LinearProbeBlend.NetworkLogits(network, data, CPU);

        // The probe fitted independently: ML.NET's maximum entropy on the scaled means; its Score is softmax(logits).
        var ml = new MLContext(seed: 1);
        float[][] features = ScaledMeans(frames);
        IDataView view = ml.Data.LoadFromEnumerable(features.Select((m, i) => new LinearProbeBlend.ProbeRow { Features = m, Label = (uint)classes[i] }), Schema<LinearProbeBlend.ProbeRow>(3));
        float[][] expected = ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy().Fit(view).Transform(view)
            .GetColumn<VBuffer<float>>("Score").Select(v => v.DenseValues().ToArray()).ToArray();
        for (int i = 0; i < frames.Count; i++)
        {
            // Softmax of the blend against the geometric blend of the two softmaxes: equal once normalised.
            double[] blended = Enumerable.Range(0, 3).Select(k => (1 - w) * before[i][k] + w * Math.Log(expected[i][k])).ToArray();
            double[] z = after[i].Select(v => (double)v).ToArray();
            for (int k = 0; k < 3; k++) Assert.Equal(Softmax(blended)[k], Softmax(z)[k], 1e-4);
        }
        // The probe is not a trivial one: it reads the classes from the mean frames.
        Assert.True(expected.Select((p, i) => Array.IndexOf(p, p.Max()) == classes[i]).Count(x => x) > 120);
    }

    private static double[] Softmax(double[] z)
    {
        double max = z.Max();
        double sum = z.Sum(v => Math.Exp(v - max));
        return z.Select(v => Math.Exp(v - max) / sum).ToArray();
    }

    [Fact]
    public void Binary_fold_gives_the_blend_of_the_network_and_LbfgsLogisticRegression()
    {
        using var scope = NewDisposeScope();
        var (frames, classes) = Rows(120, 2, seed: 2);
        var data = SequenceDataset.FromFrames(frames, Width, classes.Select(c => (float)c).ToArray(), 1);
        using SequenceNetwork network = Network(1);
        float[][] before = LinearProbeBlend.NetworkLogits(network, data, CPU);
        LinearProbeBlend.Fold(network, LinearProbeBlend.Fit(network, data, seed: 1, CPU, log: null)!, 0.5, log: null);
        float[][] after = LinearProbeBlend.NetworkLogits(network, data, CPU);

        var ml = new MLContext(seed: 1);
        IDataView view = ml.Data.LoadFromEnumerable(ScaledMeans(frames).Select((m, i) => new LinearProbeBlend.BinaryProbeRow { Features = m, Label = classes[i] == 1 }), Schema<LinearProbeBlend.BinaryProbeRow>(0));
        float[] margin = ml.BinaryClassification.Trainers.LbfgsLogisticRegression().Fit(view).Transform(view).GetColumn<float>("Score").ToArray();
        for (int i = 0; i < frames.Count; i++) Assert.Equal(0.5 * before[i][0] + 0.5 * margin[i], after[i][0], 1e-4);
        Assert.True(margin.Select((s, i) => (s > 0) == (classes[i] == 1)).Count(x => x) > 100);
    }

    [Fact]
    public void Validation_picks_the_probe_when_the_network_learned_the_wrong_classes_and_the_network_when_the_probe_is_blind()
    {
        using var scope = NewDisposeScope();
        var (frames, classes) = Rows(150, 3, seed: 3);
        var clean = SequenceDataset.FromFrames(frames, Width, classes);
        using SequenceNetwork network = Network(3);
        LinearProbeBlend.Probe probe = LinearProbeBlend.Fit(network, clean, seed: 1, CPU, log: null)!;
        // A network trained on every label moved to the next class: the probe alone is best on the true labels.
        var (_, flipped) = Rows(150, 3, seed: 3, flip: true);
        var options = new TrainingOptions { Epochs = 8, BatchSize = 16, LearningRate = 1e-2, EarlyStoppingPatience = 0 };
        TrainingLoop.Run(network, new MulticlassObjective(), SequenceDataset.FromFrames(frames, Width, flipped), null, options, seed: 1, CPU);
        Assert.Equal(1.0, LinearProbeBlend.Choose(network, probe, clean, CPU, log: null));

        // The scoring of a weight is the blend's log-loss: a probe whose logits are zero adds nothing but a flatter
        // distribution, so w = 0 wins when the network is right.
        float[][] head = { new[] { 3f, 0f, 0f }, new[] { 0f, 2f, 0f } };
        float[][] blind = { new[] { 0f, 0f, 0f }, new[] { 0f, 0f, 0f } };
        int[] truth = { 0, 1 };
        var (loss0, accuracy0) = LinearProbeBlend.Score(head, blind, truth, 0);
        var (loss1, _) = LinearProbeBlend.Score(head, blind, truth, 1);
        Assert.Equal(1.0, accuracy0);
        Assert.Equal(Math.Log(3), loss1, 1e-9);
        double expected0 = (Math.Log(Math.Exp(3) + 2) - 3 + Math.Log(Math.Exp(2) + 2) - 2) / 2;
        Assert.Equal(expected0, loss0, 1e-9);
        Assert.Equal(0.0, LinearProbeBlend.Best(head, blind, truth, log: null));
    }

    [Fact]
    public void A_single_class_gets_no_probe()
    {
        var (frames, _) = Rows(20, 2, seed: 4);
        using SequenceNetwork network = Network(1);
        Assert.Null(LinearProbeBlend.Fit(network, SequenceDataset.FromFrames(frames, Width, new float[20], 1), seed: 1, CPU, log: null));
    }

    [Fact]
    public void A_weight_needs_a_text_encoder_with_a_plain_bag_of_embeddings_and_is_named()
    {
        var tokens = new LstmBinaryTrainer.Options { LinearProbeWeight = 0.5 };
        var e = Assert.Throws<ArgumentOutOfRangeException>(tokens.Validate);
        Assert.Equal(nameof(LstmClassifierOptions.LinearProbeWeight), e.ParamName);
        Assert.Contains("needs a TextEncoder", e.Message, StringComparison.Ordinal);
        var frames = new LstmMulticlassTrainer.Options { FrameSize = 4, LinearProbeWeight = 1 };
        Assert.Equal(nameof(LstmClassifierOptions.LinearProbeWeight), Assert.Throws<ArgumentOutOfRangeException>(frames.Validate).ParamName);
        var projected = new LstmMulticlassTrainer.Options { TextEncoder = PretrainedTextEncoder.MiniLM, ProjectionSize = 8, LinearProbeWeight = 1 };
        Assert.Equal(nameof(LstmClassifierOptions.LinearProbeWeight), Assert.Throws<ArgumentOutOfRangeException>(projected.Validate).ParamName);
        var noBag = new LstmMulticlassTrainer.Options { TextEncoder = PretrainedTextEncoder.MiniLM, BagOfEmbeddings = false, LinearProbeWeight = 1 };
        Assert.Equal(nameof(LstmClassifierOptions.LinearProbeWeight), Assert.Throws<ArgumentOutOfRangeException>(noBag.Validate).ParamName);
        var outside = new LstmMulticlassTrainer.Options { TextEncoder = PretrainedTextEncoder.MiniLM, LinearProbeWeight = 1.5 };
        Assert.Equal(nameof(LstmClassifierOptions.LinearProbeWeight), Assert.Throws<ArgumentOutOfRangeException>(outside.Validate).ParamName);
        new LstmMulticlassTrainer.Options { LinearProbeWeight = 0 }.Validate();
        new LstmMulticlassTrainer.Options { TextEncoder = PretrainedTextEncoder.MiniLM, LinearProbeWeight = 1 }.Validate();
    }

    [Fact]
    public void A_text_encoder_fit_blends_half_by_default_and_chooses_on_validation_when_it_validates()
    {
        var ml = new MLContext(seed: 1);
        IDataView train = ml.Data.TakeRows(ml.Data.TrainTestSplit(TrainerModelTests.Yelp(ml), testFraction: 0.2, seed: 1).TrainSet, 300);
        var plain = ml.BinaryClassification.Trainers.Lstm(PretrainedEncoderTrainerTests.SmallBinary());
        using (Released.After(plain.Fit(train))) Assert.Equal(LstmClassifierOptions.DefaultLinearProbeWeight, plain.LastFitReport!.LinearProbeWeight);

        var log = new List<string>();
        ml.Log += (_, e) => { if (e.Message.Contains("linear probe weight", StringComparison.Ordinal)) log.Add(e.Message); };
        LstmBinaryTrainer.Options options = PretrainedEncoderTrainerTests.SmallBinary();
        options.ValidationFraction = 0.2;
        var validating = ml.BinaryClassification.Trainers.Lstm(options);
        using (Released.After(validating.Fit(train)))
        {
            Assert.Contains(validating.LastFitReport!.LinearProbeWeight, LinearProbeBlend.ValidationGrid);
            Assert.Equal(LinearProbeBlend.ValidationGrid.Length, log.Count);
        }

        options = PretrainedEncoderTrainerTests.SmallBinary();
        options.LinearProbeWeight = 0;
        var off = ml.BinaryClassification.Trainers.Lstm(options);
        using (Released.After(off.Fit(train))) Assert.Equal(0.0, off.LastFitReport!.LinearProbeWeight);
    }
}
