using LstmMlNet.Catalog;
using LstmMlNet.Data;
using LstmMlNet.Engine;
using LstmMlNet.Interop;
using LstmMlNet.Onnx;
using LstmMlNet.Text;
using LstmMlNet.Training;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace LstmMlNet;

/// <summary>
/// The shared part of the recurrent trainers: reads the feature column once (vocabulary at Fit), trains a
/// <c>SequenceNetwork</c> with the shared loop, exports it to ONNX, and returns a transformer made only of ML.NET's
/// own saveable parts (MapValue for the vocabulary, ApplyOnnxModel over the model bytes, key mapping of labels),
/// so <c>ml.Model.Save</c>/<c>Load</c> work with no custom loader and scoring needs no TorchSharp.
/// </summary>
/// <typeparam name="TOptions">The trainer's options.</typeparam>
public abstract class LstmTrainerBase<TOptions> : IEstimator<ITransformer>
    where TOptions : LstmTrainerOptions
{
    /// <summary>The network's raw output [1, K] read from the ONNX graph (logits of classifiers, the value of regression);
    /// a temporary column of the fitted model.</summary>
    private protected const string RawOutputColumn = "LstmMlNet.RawOutput";

    private protected LstmTrainerBase(IHostEnvironment environment, TOptions options, string name)
    {
        Environment = environment ?? throw new ArgumentNullException(nameof(environment));
        Context = new MLContext();
        TrainerOptions = options ?? throw new ArgumentNullException(nameof(options));
        Name = name;
    }

    /// <summary>The user's MLContext environment: logging, seed, GPU settings.</summary>
    private protected IHostEnvironment Environment { get; }

    /// <summary>A context for building the scoring transforms (they carry no state of their own environment).</summary>
    private protected MLContext Context { get; }

    private protected string Name { get; }

    /// <summary>The options this trainer fits with.</summary>
    public TOptions TrainerOptions { get; }

    /// <summary>Training history, sizes and the ONNX model of the last <see cref="Fit"/>; null before the first.</summary>
    public LstmFitReport? LastFitReport { get; private set; }

    /// <summary>Trains on <paramref name="input"/> and returns the fitted scoring transformer.</summary>
    public ITransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        TrainerOptions.Validate();
        IHostEnvironment env = Environment;
        using IChannel log = env.Start(Name);
        int seed = TrainerOptions.Seed ?? env.Register(Name).Rand.Next();

        // The column as it is (tokens or frames), or a pretrained encoder's frames (its own package, found by name).
        using SequenceSource source = SequenceSource.Fit(Context, input, TrainerOptions, log);
        SequenceFeatures features = source.Features;
        int vocabularySize = features.Vocabulary?.Ids.Count ?? 0;
        if (features.Vocabulary is { Ids.Count: 0 })
        {
            throw new InvalidOperationException(
                $"No token of the feature column '{TrainerOptions.FeatureColumnName}' occurs at least {TrainerOptions.MinTokenCount} times (MinTokenCount) in the training data, so the vocabulary is empty.");
        }
        LabelData labels = ReadLabels(input);
        SequenceDataset data = BuildDataset(features, source.Training, labels);
        SequenceDataset? validation = null;
        if (TrainerOptions.ValidationSet is not null)
        {
            var validationRows = source.Read(TrainerOptions.ValidationSet, log);
            validation = BuildDataset(features, validationRows,
                ReadLabels(TrainerOptions.ValidationSet, labels));
        }
        else if (TrainerOptions.ValidationFraction > 0 && data.Count >= 10)
        {
            (data, validation) = data.Split(TrainerOptions.ValidationFraction, seed);
        }
        log.Info(MessageSensitivity.None, $"{Name}: {data.Count} training rows, {validation?.Count ?? 0} validation rows, vocabulary {vocabularySize}");

        Device device = TorchRuntime.SelectDevice(env);
        // After the device, whose selection reports a missing TorchSharp backend clearly: every tensor this Fit makes belongs
        // to this scope (the batches' own scopes nest inside it), so a temporary made outside a batch (the weights read for
        // the export, the best epoch's snapshot, a view) stays reachable until Fit returns and no finaliser frees its
        // native handle while libtorch still reads it.
        using var tensors = TorchSharp.torch.NewDisposeScope();
        TorchSharp.torch.random.manual_seed(seed);
        NetworkInput networkInput = features.InputKind == SequenceInputKind.Tokens
            ? new TokenInput(features.Vocabulary?.EmbeddingRows ?? 0, TrainerOptions.EmbeddingSize, features.Vocabulary is null ? 0 : TrainerOptions.SubwordBuckets, TrainerOptions.TokenDropout,
                ZeroUnknown: features.Vocabulary is { DroppedTypes: 0 } && TrainerOptions.TokenDropout == 0)
            : new FrameInput(features.FrameSize, TrainerOptions.ProjectionSize);
        NetworkSpec spec = TrainerOptions.Network.ApplyTo(new NetworkSpec(networkInput, labels.Outputs,
            Pooling: TrainerOptions.Pooling, AttentionSize: TrainerOptions.AttentionSize, HeadDropout: TrainerOptions.HeadDropout,
            InputDropout: TrainerOptions.InputDropout,
            BagOfEmbeddings: source.HasStepVectors && TrainerOptions.BagOfEmbeddings));
        SubwordTable? subwords = spec.SubwordBuckets > 0
            ? new SubwordNgrams(spec.SubwordBuckets, TrainerOptions.SubwordMinLength, TrainerOptions.SubwordMaxLength).Table(features.Vocabulary!.Ids, spec.VocabularySize)
            : null;
        using var network = new SequenceNetwork(spec, subwords);
        network.to(device);
        int averaging = TrainerOptions.WeightAveragingEpochs
            ?? (TrainerOptions is LstmClassifierOptions && features.InputKind == SequenceInputKind.Tokens ? AutomaticAveragingEpochs : 0);
        if (averaging > 0)
            log.Info(MessageSensitivity.None, $"{Name}: {TrainerOptions.Epochs} epochs, then {averaging} of weight averaging{(TrainerOptions.WeightAveragingEpochs is null ? " (automatic for a token classifier; set WeightAveragingEpochs to choose)" : string.Empty)}");
        TrainingResult result = TrainingLoop.Run(network, Objective, data, validation, TrainerOptions.ForLoop(averagingEpochs: averaging), seed, device, log);
        double probeWeight = BlendLinearProbe(network, data, validation, seed, device, log);
        network.to(CPU);

        byte[] onnx = source.Compose(OnnxExporter.Export(network, source.Prepare(ExportOptions(features, labels, source.GraphInput))));
        LastFitReport = new LstmFitReport(result.History, result.BestEpoch, result.StoppedEarly, network.ParameterCount(),
            vocabularySize, data.Count, validation?.Count ?? 0, onnx, probeWeight);
        return BuildScorer(source, onnx, labels, input);
    }

    /// <summary>The weight-averaging epochs of a classifier reading tokens when <see cref="LstmTrainerOptions.WeightAveragingEpochs"/>
    /// is null: 5 (docs/text.md, the sentence-set table).</summary>
    internal const int AutomaticAveragingEpochs = 5;

    /// <summary>Fits and folds the linear probe of a classifier over a text encoder's frames
    /// (<see cref="LstmClassifierOptions.LinearProbeWeight"/>); returns the weight used, 0 when none. Only a text
    /// encoder's network feeds its head the plain mean frame (<see cref="LinearProbeBlend.Fits"/>), so that test is the
    /// one gate; options asking for a probe elsewhere were refused by Validate.</summary>
    private double BlendLinearProbe(SequenceNetwork network, SequenceDataset data, SequenceDataset? validation, int seed, Device device, IChannel log)
    {
        if (TrainerOptions is not LstmClassifierOptions classifier || !LinearProbeBlend.Fits(network.Spec)) return 0;
        double? requested = classifier.LinearProbeWeight;
        if (requested == 0) return 0;
        LinearProbeBlend.Probe? probe = LinearProbeBlend.Fit(network, data, seed, device, log);
        if (probe is null) return 0;
        double weight = requested
            ?? (validation is { Count: > 0 } ? LinearProbeBlend.Choose(network, probe, validation, device, log) : LstmClassifierOptions.DefaultLinearProbeWeight);
        LinearProbeBlend.Fold(network, probe, weight, log);
        return weight;
    }

    private static SequenceDataset BuildDataset(SequenceFeatures features, SequenceFeatures.SequenceRows read, LabelData labels)
    {
        var (tokens, frames) = read;
        int rows = read.Count;
        if (rows != labels.Count) throw new InvalidOperationException($"Read {rows} feature rows but {labels.Count} labels.");
        if (rows == 0) throw new InvalidOperationException("The training data has no rows.");
        if (labels.Classes is not null)
        {
            return tokens is not null ? SequenceDataset.FromTokens(tokens, labels.Classes) : SequenceDataset.FromFrames(frames!, features.FrameSize, labels.Classes);
        }
        return tokens is not null
            ? SequenceDataset.FromTokens(tokens, labels.Values!, labels.Outputs)
            : SequenceDataset.FromFrames(frames!, features.FrameSize, labels.Values!, labels.Outputs);
    }

    private ITransformer BuildScorer(SequenceSource source, byte[] onnx, LabelData labels, IDataView input)
    {
        var (chain, temporary) = source.Scoring(Context, onnx, input, RawOutputColumn);
        ITransformer network = chain.Fit(input);
        IDataView scored = network.Transform(input);
        ITransformer head = PredictionHead(scored, labels);
        IDataView predicted = head.Transform(scored);
        ITransformer drop = Context.Transforms.DropColumns(temporary.Append(RawOutputColumn).ToArray()).Fit(predicted);
        // Not IDisposable from outside, so disposing a PredictionEngine over the model leaves it working (EngineSafeTransformer).
        return new EngineSafeTransformer(new TransformerChain<ITransformer>(network, head, drop));
    }

    /// <summary>The ONNX export settings of the task (head, output names), with the graph input named for the chain.</summary>
    private OnnxExportOptions ExportOptions(SequenceFeatures features, LabelData labels, string inputName)
    {
        var metadata = new Dictionary<string, string>
        {
            ["task"] = Name,
            ["max_sequence_length"] = features.MaxLength.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (features.Vocabulary is not null && TrainerOptions.SubwordBuckets > 0)
        {
            metadata["subword_ngram_lengths"] = FormattableString.Invariant($"{TrainerOptions.SubwordMinLength}-{TrainerOptions.SubwordMaxLength}");
        }
        if (labels.ClassNames is not null) metadata["labels"] = string.Join("\n", labels.ClassNames);
        return TaskExportOptions(inputName, features.MaxLength, metadata);
    }

    /// <summary>Checks the input columns and returns the output schema (the task's output columns added).</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        if (!SchemaShapeColumns.TryFind(inputSchema, TrainerOptions.FeatureColumnName, out SchemaShape.Column feature))
            throw SchemaErrors.Missing("feature", TrainerOptions.FeatureColumnName);
        bool ok = TrainerOptions.TextEncoder != PretrainedTextEncoder.None
            ? feature.ItemType is TextDataViewType && feature.Kind == SchemaShape.Column.VectorKind.Scalar
            : TrainerOptions.FrameSize > 0
            ? feature.Kind == SchemaShape.Column.VectorKind.VariableVector || feature.Kind == SchemaShape.Column.VectorKind.Vector ? feature.ItemType == NumberDataViewType.Single : false
            : feature.Kind != SchemaShape.Column.VectorKind.Scalar && (feature.ItemType is TextDataViewType || feature.IsKey);
        if (!ok)
        {
            string expected = TrainerOptions.TextEncoder != PretrainedTextEncoder.None ? $"a scalar Text column of raw text (TextEncoder = {TrainerOptions.TextEncoder})"
                : TrainerOptions.FrameSize > 0 ? "a vector of Single" : "a vector of Text or Key tokens";
            throw new ArgumentOutOfRangeException(nameof(inputSchema), $"The feature column '{TrainerOptions.FeatureColumnName}' has type {feature.ItemType} ({feature.Kind}); expected {expected}.");
        }
        if (!SchemaShapeColumns.TryFind(inputSchema, TrainerOptions.LabelColumnName, out SchemaShape.Column label))
            throw SchemaErrors.Missing("label", TrainerOptions.LabelColumnName);
        CheckLabel(label);
        var columns = inputSchema.ToDictionary(c => c.Name);
        foreach (SchemaShape.Column output in OutputColumns(label)) columns[output.Name] = output;
        return new SchemaShape(columns.Values);
    }

    private protected abstract ITrainingObjective Objective { get; }

    /// <summary>Labels of the training data.</summary>
    private protected abstract LabelData ReadLabels(IDataView data);

    /// <summary>Labels of a validation set, checked against the training labels (e.g. the same classes).</summary>
    private protected virtual LabelData ReadLabels(IDataView data, LabelData training) => ReadLabels(data);

    private protected abstract OnnxExportOptions TaskExportOptions(string inputName, int maxLength, IReadOnlyDictionary<string, string> metadata);

    /// <summary>ML.NET's prediction transformer over <see cref="RawOutputColumn"/> of <paramref name="scored"/> (see
    /// <see cref="PredictionHeads"/>).</summary>
    private protected abstract ITransformer PredictionHead(IDataView scored, LabelData labels);

    private protected abstract void CheckLabel(SchemaShape.Column label);

    private protected abstract IEnumerable<SchemaShape.Column> OutputColumns(SchemaShape.Column label);
}
