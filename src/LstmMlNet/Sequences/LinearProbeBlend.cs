using LstmMlNet.Data;
using LstmMlNet.Engine;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using static TorchSharp.torch;

namespace LstmMlNet.Catalog;

/// <summary>
/// The linear probe of a classifier over frames (a pretrained text encoder's), blended into the trained head: ML.NET's
/// L-BFGS logistic regression (binary) or maximum entropy (multiclass), default regularisation, fitted on each training
/// row's mean frame divided by the median norm of those means (so the penalties act as they do on unit-length sentence
/// vectors), and the fitted model's logits mixed with the trained network's:
/// <c>(1 − w)·network + w·probe</c>. The head reads <c>[pooled recurrent output; mean frame]</c> through one linear
/// layer and the probe is linear in the mean frame, so the mix is that layer's weights mixed the same way: the model
/// keeps its architecture, its ONNX graph and its size, and needs nothing new to load or score.
/// </summary>
internal static class LinearProbeBlend
{
    /// <summary>The candidate weights compared on validation rows when a fit validates.</summary>
    internal static readonly double[] ValidationGrid = { 0, 0.25, 0.5, 0.75, 1 };

    /// <summary>A fitted probe on the raw mean frame: logits = Weights · mean + Biases; Weights [K, F] row-major,
    /// Biases [K].</summary>
    internal sealed record Probe(float[] Weights, float[] Biases)
    {
        public int Outputs => Biases.Length;

        public int Width => Weights.Length / Biases.Length;

        /// <summary>Weights [K, F] and Biases [K] as tensors on <paramref name="device"/>.</summary>
        public (Tensor Weight, Tensor Bias) Tensors(Device device) =>
            (tensor(Weights, new long[] { Outputs, Width }, device: device), tensor(Biases, device: device));

        /// <summary>The probe's logits [B, K] for mean frames [B, F].</summary>
        public Tensor Logits(Tensor means)
        {
            var (weight, bias) = Tensors(means.device);
            return nn.functional.linear(means, weight, bias);
        }
    }

    /// <summary>True when <paramref name="spec"/> reads frames and feeds the head their plain mean (a bag of embeddings
    /// with no projection): the layout the probe folds into.</summary>
    public static bool Fits(NetworkSpec spec) => spec.BagOfEmbeddings && spec.Input is FrameInput { ProjectionSize: 0 };

    /// <summary>Fits the probe on <paramref name="train"/>'s mean frames; null (with a log line) when the training rows
    /// hold fewer than two classes, where no probe can be fitted.</summary>
    public static Probe? Fit(SequenceNetwork network, SequenceDataset train, int seed, Device device, IChannel? log)
    {
        NetworkSpec spec = network.Spec;
        if (!Fits(spec)) throw new InvalidOperationException("The linear probe needs frames with a bag of embeddings and no projection.");
        int width = ((FrameInput)spec.Input).FrameSize;
        int outputs = spec.Outputs;
        int[] classes = ClassIndices(train);
        if (classes.Distinct().Count() < 2)
        {
            log?.Warning(MessageSensitivity.None, "The training rows hold one class only: no linear probe is fitted or blended.");
            return null;
        }
        var clock = System.Diagnostics.Stopwatch.StartNew();
        float[][] means = MeanFrames(network, train, device);
        float scale = MedianNorm(means);
        foreach (float[] mean in means)
        {
            for (int d = 0; d < mean.Length; d++) mean[d] /= scale;
        }

        var ml = new MLContext(seed);
        float[] weights;
        float[] biases;
        if (train.Classes is not null)
        {
            var definition = SchemaDefinition.Create(typeof(ProbeRow));
            definition[nameof(ProbeRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
            definition[nameof(ProbeRow.Label)].ColumnType = new KeyDataViewType(typeof(uint), outputs);
            // A key member of a class is read 0-based (0 is the first key).
            IDataView rows = ml.Data.LoadFromEnumerable(means.Select((m, i) => new ProbeRow { Features = m, Label = (uint)classes[i] }), definition);
            var model = ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy().Fit(rows).Model;
            VBuffer<float>[] perClass = Array.Empty<VBuffer<float>>();
            model.GetWeights(ref perClass, out int classCount);
            if (classCount != outputs) throw new InvalidOperationException($"The probe has {classCount} classes, the network {outputs}.");
            weights = new float[outputs * width];
            for (int k = 0; k < outputs; k++) perClass[k].CopyTo(weights, k * width);
            biases = model.GetBiases().ToArray();
        }
        else
        {
            if (outputs != 1) throw new InvalidOperationException("The linear probe is for classifiers.");
            var definition = SchemaDefinition.Create(typeof(BinaryProbeRow));
            definition[nameof(BinaryProbeRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
            IDataView rows = ml.Data.LoadFromEnumerable(means.Select((m, i) => new BinaryProbeRow { Features = m, Label = classes[i] == 1 }), definition);
            var model = ml.BinaryClassification.Trainers.LbfgsLogisticRegression().Fit(rows).Model.SubModel;
            weights = model.Weights.ToArray();
            biases = new[] { model.Bias };
        }
        // Back to the raw mean frame the head reads: w·(m / s) = (w / s)·m.
        for (int i = 0; i < weights.Length; i++) weights[i] /= scale;
        log?.Info(MessageSensitivity.None, FormattableString.Invariant(
            $"linear probe: L-BFGS on {train.Count} rows' mean frames ({width} inputs, divided by their median norm {scale:G4}) in {clock.Elapsed.TotalSeconds:F1} s"));
        return new Probe(weights, biases);
    }

    /// <summary>Chooses the probe's weight from <see cref="ValidationGrid"/> by the blended model's log-loss on
    /// <paramref name="validation"/> (ties go to the smaller weight), logging every candidate's loss and accuracy.</summary>
    public static double Choose(SequenceNetwork network, Probe probe, SequenceDataset validation, Device device, IChannel? log)
    {
        // One pass over the rows: the network's logits and the probe's side by side, [B, 2K].
        int outputs = probe.Outputs;
        float[][] both = PerRow(network, validation, device, batch => cat(new[]
        {
            network.Forward(batch.Inputs, batch.Lengths),
            probe.Logits(SequencePooling.MeanOverValidSteps(network.Embed(batch.Inputs), batch.Lengths)),
        }, 1));
        float[][] head = both.Select(row => row[..outputs]).ToArray();
        float[][] linear = both.Select(row => row[outputs..]).ToArray();
        return Best(head, linear, ClassIndices(validation), log);
    }

    /// <summary>The weight of <see cref="ValidationGrid"/> whose blend of <paramref name="head"/> and
    /// <paramref name="probe"/> logits has the lowest log-loss on <paramref name="classes"/> (ties go to the smaller
    /// weight), logging every candidate's loss and accuracy.</summary>
    internal static double Best(float[][] head, float[][] probe, int[] classes, IChannel? log)
    {
        double bestWeight = 0, bestLoss = double.PositiveInfinity;
        foreach (double w in ValidationGrid)
        {
            var (loss, accuracy) = Score(head, probe, classes, w);
            log?.Info(MessageSensitivity.None, FormattableString.Invariant(
                $"linear probe weight {w:F2}: validation log-loss {loss:F4}, accuracy {accuracy:F4}"));
            if (loss < bestLoss - 1e-9) (bestLoss, bestWeight) = (loss, w);
        }
        return bestWeight;
    }

    /// <summary>Log-loss (nats a row) and accuracy of the logits <c>(1 − w)·head + w·probe</c> against the classes.</summary>
    internal static (double Loss, double Accuracy) Score(float[][] head, float[][] probe, int[] classes, double w)
    {
        double loss = 0;
        int right = 0;
        for (int i = 0; i < classes.Length; i++)
        {
            int k = head[i].Length;
            var z = new double[k];
            for (int c = 0; c < k; c++) z[c] = (1 - w) * head[i][c] + w * probe[i][c];
            if (k == 1)
            {
                // Binary: one logit of the positive class; log(1 + e^x) written to stay finite.
                double x = classes[i] == 1 ? -z[0] : z[0];
                loss += Math.Max(x, 0) + Math.Log(1 + Math.Exp(-Math.Abs(x)));
                if ((z[0] > 0) == (classes[i] == 1)) right++;
            }
            else
            {
                double max = z.Max();
                double logSum = max + Math.Log(z.Sum(v => Math.Exp(v - max)));
                loss += logSum - z[classes[i]];
                if (Array.IndexOf(z, max) == classes[i]) right++;
            }
        }
        return (loss / classes.Length, (double)right / classes.Length);
    }

    /// <summary>Mixes the probe into the head: pooled columns × (1 − w); mean-frame columns (1 − w)·head + w·probe;
    /// bias likewise. Afterwards the network's logits are the blend for every input.</summary>
    public static void Fold(SequenceNetwork network, Probe probe, double weight, IChannel? log)
    {
        if (weight == 0) return;
        NetworkSpec spec = network.Spec;
        int width = probe.Width;
        int pooledWidth = spec.HeadInputSize - width;
        using (no_grad())
        {
            using var scope = NewDisposeScope();
            Tensor headWeight = network.Head.weight!;
            var (probeWeight, probeBias) = probe.Tensors(headWeight.device);
            // Numbers reach libtorch through TorchScalars only (scalars that outlive the native call).
            headWeight.narrow(1, 0, pooledWidth).TimesInPlace(1 - weight);
            headWeight.narrow(1, pooledWidth, width).TimesInPlace(1 - weight).PlusScaledInPlace(probeWeight, weight);
            network.Head.bias!.TimesInPlace(1 - weight).PlusScaledInPlace(probeBias, weight);
        }
        log?.Info(MessageSensitivity.None, FormattableString.Invariant(
            $"blended the linear probe into the head: logits = {1 - weight:F2}·network + {weight:F2}·probe"));
    }

    /// <summary>The network's logits [K] per row, in evaluation mode.</summary>
    internal static float[][] NetworkLogits(SequenceNetwork network, SequenceDataset data, Device device) =>
        PerRow(network, data, device, batch => network.Forward(batch.Inputs, batch.Lengths));

    /// <summary>Each row's mean step input [F] (the head's bag-of-embeddings input), in evaluation mode.</summary>
    internal static float[][] MeanFrames(SequenceNetwork network, SequenceDataset data, Device device) =>
        PerRow(network, data, device, batch => SequencePooling.MeanOverValidSteps(network.Embed(batch.Inputs), batch.Lengths));

    private static float[][] PerRow(SequenceNetwork network, SequenceDataset data, Device device, Func<SequenceBatch, Tensor> compute)
    {
        bool wasTraining = network.training;
        network.eval();
        try
        {
            using var noGrad = no_grad();
            var rows = new float[data.Count][];
            foreach (int[] indices in BatchPlanner.Evaluation(data, 256))
            {
                using var scope = NewDisposeScope();
                SequenceBatch batch = BatchBuilder.Build(data, indices, device);
                Tensor values = compute(batch).cpu();
                float[] flat = values.data<float>().ToArray();
                int width = (int)values.shape[1];
                for (int k = 0; k < indices.Length; k++) rows[indices[k]] = flat.AsSpan(k * width, width).ToArray();
            }
            return rows;
        }
        finally
        {
            network.train(wasTraining);
        }
    }

    /// <summary>Each row's class index: the class of a multiclass row, 1/0 for a binary row's target above/below ½.</summary>
    private static int[] ClassIndices(SequenceDataset data) =>
        data.Classes is { } classes ? classes.Select(c => (int)c).ToArray()
        : data.Targets is { } targets ? targets.Select(t => t > 0.5f ? 1 : 0).ToArray()
        : throw new InvalidOperationException("The linear probe is for classifiers.");

    private static float MedianNorm(float[][] means)
    {
        float[] norms = means.Select(m => MathF.Sqrt(m.Sum(v => v * v))).Order().ToArray();
        float median = norms[norms.Length / 2];
        return median > 1e-12f ? median : 1f;
    }

    /// <summary>A row of the multiclass probe.</summary>
    internal sealed class ProbeRow
    {
        public float[] Features { get; set; } = Array.Empty<float>();
        public uint Label { get; set; }
    }

    internal sealed class BinaryProbeRow
    {
        public float[] Features { get; set; } = Array.Empty<float>();
        public bool Label { get; set; }
    }
}
