using LstmMlNet.Catalog;
using LstmMlNet.Data;
using LstmMlNet.Engine;
using LstmMlNet.Training;
using TorchSharp;
using Microsoft.ML;
using static TorchSharp.torch;

namespace LstmMlNet.Tests.Training;

/// <summary>The classifiers' training losses with label smoothing, against the formulas written out by hand from the
/// same logits (single precision, as the network trains), and the scored (validation) loss against the unsmoothed
/// labels.</summary>
public sealed class LabelSmoothingTests
{
    private static SequenceNetwork Network(int outputs)
    {
        random.manual_seed(3);
        var network = new SequenceNetwork(new NetworkSpec(new FrameInput(2), Outputs: outputs, Cell: RecurrentCellKind.Lstm,
            HiddenSize: 4, Pooling: PoolingKind.Last));
        network.eval();
        return network;
    }

    [Fact]
    public void Binary_loss_uses_targets_moved_eps_over_two_towards_one_half()
    {
        using var scope = NewDisposeScope();
        using SequenceNetwork network = Network(1);
        random.manual_seed(4);
        var batch = new SequenceBatch(randn(new long[] { 5, 6, 2 }, dtype: float32), tensor(new long[] { 6, 4, 6, 2, 5 }),
            tensor(new float[] { 1, 0, 1, 1, 0 }, new long[] { 5, 1 }), 5);
        double[] z = network.Forward(batch.Inputs, batch.Lengths).data<float>().Select(v => (double)v).ToArray();
        double[] y = { 1, 0, 1, 1, 0 };
        const double eps = 0.1;
        static double LogisticLoss(double logit, double target)
        {
            double p = 1 / (1 + Math.Exp(-logit));
            return -(target * Math.Log(p) + (1 - target) * Math.Log(1 - p));
        }
        double expected = z.Select((zi, i) => LogisticLoss(zi, y[i] * (1 - eps) + eps / 2)).Average();
        double plain = z.Select((zi, i) => LogisticLoss(zi, y[i])).Sum();

        Assert.Equal(expected, new BinaryObjective(eps).Loss(network, batch).item<float>(), 1e-5);
        Assert.Equal(plain / 5, new BinaryObjective().Loss(network, batch).item<float>(), 1e-5);
        Assert.Equal(plain, new BinaryObjective(eps).Score(network, batch).LossSum, 1e-4);
    }

    [Fact]
    public void Multiclass_loss_mixes_the_cross_entropy_with_the_mean_negative_log_probability_of_all_classes()
    {
        using var scope = NewDisposeScope();
        using SequenceNetwork network = Network(4);
        random.manual_seed(4);
        long[] classes = { 0, 3, 1, 2, 3 };
        var batch = new SequenceBatch(randn(new long[] { 5, 6, 2 }, dtype: float32), tensor(new long[] { 6, 4, 6, 2, 5 }), tensor(classes), 5);
        Tensor logits = network.Forward(batch.Inputs, batch.Lengths);
        double[,] logp = new double[5, 4];
        double[] flat = logits.to(float64).log_softmax(1).data<double>().ToArray();
        for (int i = 0; i < 5; i++) for (int k = 0; k < 4; k++) logp[i, k] = flat[i * 4 + k];
        const double eps = 0.1;
        // Target 1 − ε + ε/K on the true class and ε/K elsewhere: (1 − ε)·(−log p_y) + ε·mean_k(−log p_k).
        double expected = Enumerable.Range(0, 5).Average(i =>
            (1 - eps) * -logp[i, classes[i]] + eps * Enumerable.Range(0, 4).Average(k => -logp[i, k]));
        double plain = Enumerable.Range(0, 5).Sum(i => -logp[i, classes[i]]);

        Assert.Equal(expected, new MulticlassObjective(eps).Loss(network, batch).item<float>(), 1e-5);
        Assert.Equal(plain, new MulticlassObjective(eps).Score(network, batch).LossSum, 1e-4);
    }

    [Fact]
    public void Classifiers_default_to_0_1_and_reject_values_outside_0_to_1()
    {
        Assert.Equal(0.1, new LstmBinaryTrainer.Options().LabelSmoothing);
        Assert.Equal(0.1, new LstmMulticlassTrainer.Options().LabelSmoothing);
        var ml = new MLContext(seed: 1);
        foreach (double bad in new[] { -0.1, 1.0, double.NaN })
        {
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => ml.BinaryClassification.Trainers.Lstm(new LstmBinaryTrainer.Options { LabelSmoothing = bad }).Fit(ml.Data.LoadFromEnumerable(Array.Empty<Catalog.SentimentRow>())));
            Assert.Contains("LabelSmoothing", e.Message);
        }
    }
}
