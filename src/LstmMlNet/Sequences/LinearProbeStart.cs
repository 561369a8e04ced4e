using LstmMlNet.Data;
using LstmMlNet.Engine;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers;
using static TorchSharp.torch;

namespace LstmMlNet.Catalog;

/// <summary>
/// Starts a classifier over a pretrained encoder's frames from the linear probe: ML.NET's L-BFGS logistic regression
/// (binary) or maximum entropy (multiclass), with its default regularisation, fitted on each training row's mean frame —
/// the head's bag-of-embeddings input — and copied into the head's columns for that input, while the head's columns
/// for the pooled recurrent output start at zero. The network's first output is then the probe's (logits equal to the
/// L-BFGS model's to float rounding), and training adds what the recurrent part learns on top of it; with a validation
/// split the loop also keeps this start as a candidate (epoch 0), so the model returned is never worse than the probe
/// on validation loss.
/// </summary>
internal static class LinearProbeStart
{
    /// <summary>Fits the probe on <paramref name="train"/>'s mean step inputs and writes it into
    /// <paramref name="network"/>'s head. The network must read frames with a bag of embeddings and no projection.</summary>
    public static void Apply(SequenceNetwork network, SequenceDataset train, int seed, Device device, IChannel? log)
    {
        NetworkSpec spec = network.Spec;
        if (!spec.BagOfEmbeddings || spec.Input is not FrameInput { ProjectionSize: 0 } frames)
            throw new InvalidOperationException("The linear probe start needs frames with a bag of embeddings and no projection.");
        int width = frames.FrameSize;
        int pooledWidth = spec.HeadInputSize - width;
        float[][] means = MeanFrames(network, train, device);

        var ml = new MLContext(seed);
        var definition = SchemaDefinition.Create(typeof(ProbeRow));
        definition[nameof(ProbeRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
        float[] weights;
        float[] biases;
        int outputs = spec.Outputs;
        if (train.Classes is { } classes)
        {
            definition[nameof(ProbeRow.Label)].ColumnType = new KeyDataViewType(typeof(uint), outputs);
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
            if (outputs != 1 || train.Targets is null) throw new InvalidOperationException("The linear probe start is for classifiers.");
            float[] targets = train.Targets;
            IDataView rows = ml.Data.LoadFromEnumerable(means.Select((m, i) => new BinaryProbeRow { Features = m, Label = targets[i] > 0.5f }),
                BinaryDefinition(width));
            var model = ml.BinaryClassification.Trainers.LbfgsLogisticRegression().Fit(rows).Model.SubModel;
            weights = model.Weights.ToArray();
            biases = new[] { model.Bias };
        }

        using (no_grad())
        {
            using var scope = NewDisposeScope();
            Tensor headWeight = network.Head.weight!;
            headWeight.narrow(1, 0, pooledWidth).zero_();
            headWeight.narrow(1, pooledWidth, width).copy_(tensor(weights, new long[] { outputs, width }, device: headWeight.device));
            network.Head.bias!.copy_(tensor(biases, device: headWeight.device));
        }
        log?.Info(MessageSensitivity.None, $"started the head from the linear probe (L-BFGS on {train.Count} rows' mean frames, {width} inputs); the pooled recurrent output's weights start at zero");
    }

    /// <summary>Each row's mean step input [F] (the head's bag-of-embeddings input), in evaluation mode.</summary>
    internal static float[][] MeanFrames(SequenceNetwork network, SequenceDataset data, Device device)
    {
        bool wasTraining = network.training;
        network.eval();
        try
        {
            using var noGrad = no_grad();
            var means = new float[data.Count][];
            foreach (int[] indices in BatchPlanner.Evaluation(data, 256))
            {
                using var scope = NewDisposeScope();
                SequenceBatch batch = BatchBuilder.Build(data, indices, device);
                Tensor mean = SequencePooling.MeanOverValidSteps(network.Embed(batch.Inputs), batch.Lengths).cpu();
                float[] values = mean.data<float>().ToArray();
                int width = (int)mean.shape[1];
                for (int k = 0; k < indices.Length; k++) means[indices[k]] = values.AsSpan(k * width, width).ToArray();
            }
            return means;
        }
        finally
        {
            network.train(wasTraining);
        }
    }

    private static SchemaDefinition BinaryDefinition(int width)
    {
        var definition = SchemaDefinition.Create(typeof(BinaryProbeRow));
        definition[nameof(BinaryProbeRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
        return definition;
    }

    /// <summary>A row of the multiclass probe; ML.NET reads a key member of a class 0-based (0 is the first key).</summary>
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
