using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace LstmMlNet.Comparison;

/// <summary>Classification and regression comparisons: k-fold cross-validation of baselines, custom candidates and
/// recurrent configurations on the same seeded folds.</summary>
internal sealed class SupervisedComparison
{
    internal const string FeaturesColumn = "ComparisonFeatures";
    internal const string NormalizedColumn = "ComparisonNormalizedText";
    internal const string TokensColumn = "ComparisonTokens";

    private readonly MLContext ml;
    private readonly ComparisonTask task;
    private readonly ComparisonInput input;
    private readonly string label;
    private readonly SupervisedComparisonOptions options;
    private readonly ComparisonMetric metric;

    public SupervisedComparison(MLContext ml, ComparisonTask task, ComparisonInput input, string labelColumnName, SupervisedComparisonOptions options)
    {
        this.ml = ml;
        this.task = task;
        this.input = input;
        label = labelColumnName;
        this.options = options;
        metric = options.Metric ?? ComparisonMetricFacts.DefaultFor(task);
    }

    public ComparisonResult Run(IDataView data)
    {
        CheckSchema(data.Schema);
        IReadOnlyList<DataOperationsCatalog.TrainTestData> folds = ml.Data.CrossValidationSplit(data, options.Folds, seed: options.Seed);
        var candidates = Candidates(data.Schema).ToArray();
        var trials = candidates.Select(c => new PlannedTrial(c.Name, c.Family, c.Configuration,
            (fold, cancel) => RunFold(c, folds[fold], cancel), c.Family == CandidateFamily.Recurrent && options.DrawsWhileBudgetLasts)).ToArray();
        ComparisonResult result = TrialRunner.Run(ml, task, metric, options, trials, options.Folds);
        if (options.RefitBest && result.Best is { } best)
        {
            options.CancellationToken.ThrowIfCancellationRequested();
            ComparisonCandidate winner = candidates[best.Index - 1];
            IEstimator<ITransformer> estimator = Prefix(data.Schema).Append(winner.Build(ml, options.CancellationToken).Estimator);
            if (task == ComparisonTask.MulticlassClassification)
                estimator = estimator.Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
            result.BestEstimator = estimator;
            result.BestModel = estimator.Fit(data);
            result.BestModelTrial = best;
        }
        return result;
    }

    private FoldOutcome RunFold(ComparisonCandidate candidate, DataOperationsCatalog.TrainTestData fold, CancellationToken cancel)
    {
        cancel.ThrowIfCancellationRequested();
        BuiltCandidate built = candidate.Build(ml, cancel);
        IEstimator<ITransformer> estimator = Prefix(fold.TrainSet.Schema).Append(built.Estimator);
        var clock = Stopwatch.StartNew();
        ITransformer model = estimator.Fit(fold.TrainSet);
        double seconds = clock.Elapsed.TotalSeconds;
        try
        {
            IDataView scored = model.Transform(fold.TestSet);
            return new FoldOutcome(Evaluate(scored), seconds, built.Parameters(model));
        }
        finally
        {
            LstmMlNet.Onnx.ModelRelease.Release(model); // a fold's model is not kept: release its ONNX sessions and temporary files
        }
    }

    /// <summary>Label preparation shared by every candidate: a multiclass label that is not a key becomes one in place.</summary>
    private IEstimator<ITransformer> Prefix(DataViewSchema schema) =>
        task == ComparisonTask.MulticlassClassification && schema[label].Type is not KeyDataViewType
            ? ml.Transforms.Conversion.MapValueToKey(label)
            : new EstimatorChain<ITransformer>();

    private double Evaluate(IDataView scored)
    {
        switch (task)
        {
            case ComparisonTask.BinaryClassification:
                if (scored.Schema.GetColumnOrNull("Probability") is not null)
                {
                    CalibratedBinaryClassificationMetrics m = ml.BinaryClassification.Evaluate(scored, label);
                    return metric switch
                    {
                        ComparisonMetric.AreaUnderRocCurve => m.AreaUnderRocCurve,
                        ComparisonMetric.F1Score => m.F1Score,
                        ComparisonMetric.LogLoss => m.LogLoss,
                        _ => m.Accuracy,
                    };
                }
                if (metric == ComparisonMetric.LogLoss) throw new InvalidOperationException("LogLoss needs a calibrated Probability column, which this candidate does not write.");
                BinaryClassificationMetrics b = ml.BinaryClassification.EvaluateNonCalibrated(scored, label);
                return metric switch
                {
                    ComparisonMetric.AreaUnderRocCurve => b.AreaUnderRocCurve,
                    ComparisonMetric.F1Score => b.F1Score,
                    _ => b.Accuracy,
                };
            case ComparisonTask.MulticlassClassification:
                MulticlassClassificationMetrics mc = ml.MulticlassClassification.Evaluate(scored, label);
                return metric switch
                {
                    ComparisonMetric.MicroAccuracy => mc.MicroAccuracy,
                    ComparisonMetric.LogLoss => mc.LogLoss,
                    _ => mc.MacroAccuracy,
                };
            default:
                RegressionMetrics r = ml.Regression.Evaluate(scored, label);
                return metric switch
                {
                    ComparisonMetric.MeanAbsoluteError => r.MeanAbsoluteError,
                    ComparisonMetric.RootMeanSquaredError => r.RootMeanSquaredError,
                    _ => r.RSquared,
                };
        }
    }

    private void CheckSchema(DataViewSchema schema)
    {
        DataViewSchema.Column labelColumn = schema.GetColumnOrNull(label)
            ?? throw new ArgumentOutOfRangeException(nameof(label), $"Label column '{label}' was not found in the data.");
        DataViewType labelType = labelColumn.Type;
        bool labelOk = task switch
        {
            ComparisonTask.BinaryClassification => labelType == BooleanDataViewType.Instance,
            ComparisonTask.Regression => labelType == NumberDataViewType.Single,
            _ => labelType is KeyDataViewType or PrimitiveDataViewType,
        };
        if (!labelOk)
        {
            string expected = task switch
            {
                ComparisonTask.BinaryClassification => "Boolean",
                ComparisonTask.Regression => "Single",
                _ => "a key or a primitive type",
            };
            throw new ArgumentOutOfRangeException(nameof(label), $"Label column '{label}' must be {expected} for {task}, but is {labelType}.");
        }
        DataViewSchema.Column inputColumn = schema.GetColumnOrNull(input.ColumnName)
            ?? throw new ArgumentOutOfRangeException(nameof(input), $"Input column '{input.ColumnName}' was not found in the data.");
        if (input.IsText && inputColumn.Type is not TextDataViewType)
            throw new ArgumentOutOfRangeException(nameof(input), $"Input column '{input.ColumnName}' must be a scalar String (text), but is {inputColumn.Type}.");
        if (!input.IsText && !(inputColumn.Type is VectorDataViewType v && v.ItemType == NumberDataViewType.Single))
            throw new ArgumentOutOfRangeException(nameof(input), $"Input column '{input.ColumnName}' must be a Single vector (steps × {input.FrameSize}), but is {inputColumn.Type}.");
        if (!input.IsText && options.IncludeRecurrent && options.SearchSpace.TextEncoders?.Any(e => e != PretrainedTextEncoder.None) == true)
            throw new ArgumentOutOfRangeException(nameof(input), $"SearchSpace.TextEncoders needs a text input; input column '{input.ColumnName}' is a numeric sequence (ComparisonInput.Sequence).");
        // A pretrained encoder lives in its own package: say which one is missing before any trial, not once per trial.
        if (options.IncludeRecurrent && options.SearchSpace.TextEncoders is { } encoders)
        {
            foreach (PretrainedTextEncoder encoder in encoders.Where(e => e != PretrainedTextEncoder.None).Distinct())
                _ = LstmMlNet.Text.PretrainedEncoders.Find(encoder);
        }
    }

    private IEnumerable<ComparisonCandidate> Candidates(DataViewSchema schema)
    {
        if (options.IncludeBaselines)
            foreach (ComparisonCandidate baseline in Baselines(schema))
                yield return baseline;
        foreach (ComparisonCandidate custom in options.AdditionalCandidates)
            yield return custom;
        foreach (RecurrentConfiguration configuration in options.Configurations(AutomaticEncoders()))
            yield return Recurrent(configuration);
    }

    /// <summary>The pretrained encoders offered without being asked for: on a text input, MiniLM when the app references
    /// its package (the recurrent twins of a null <see cref="RecurrentSearchSpace.TextEncoders"/>, and the sentence-vector
    /// baseline).</summary>
    private IReadOnlyList<PretrainedTextEncoder> AutomaticEncoders() =>
        input.IsText && LstmMlNet.Text.PretrainedEncoders.IsAvailable(PretrainedTextEncoder.MiniLM)
            ? new[] { PretrainedTextEncoder.MiniLM }
            : Array.Empty<PretrainedTextEncoder>();

    private IEnumerable<ComparisonCandidate> Baselines(DataViewSchema schema)
    {
        string features = input.IsText ? FeaturesColumn : input.ColumnName;
        Func<MLContext, IEstimator<ITransformer>> featurize = input.IsText
            ? m => m.Transforms.Text.FeaturizeText(FeaturesColumn, input.ColumnName)
            : _ => new EstimatorChain<ITransformer>();
        Func<MLContext, IEstimator<ITransformer>> normalized = input.IsText
            ? featurize
            : m => m.Transforms.NormalizeMeanVariance(FeaturesColumn, input.ColumnName);
        string normalizedFeatures = FeaturesColumn;
        string prefix = input.IsText ? "FeaturizeText + " : "";
        bool fixedSize = input.IsText || schema[input.ColumnName].Type is VectorDataViewType { IsKnownSize: true };

        ComparisonCandidate Make(string trainer, Func<MLContext, IEstimator<ITransformer>> features0, Func<MLContext, IEstimator<ITransformer>> train) =>
            new(prefix + trainer, CandidateFamily.Baseline, new Dictionary<string, string> { ["Trainer"] = trainer, ["Features"] = input.IsText ? "FeaturizeText" : input.ColumnName },
                (m, _) =>
                {
                    if (!fixedSize) throw new InvalidOperationException($"The baselines need a fixed-size vector in '{input.ColumnName}'; it has a variable size.");
                    return new BuiltCandidate(features0(m).Append(train(m)), ParameterCounter.Count);
                });

        switch (task)
        {
            case ComparisonTask.BinaryClassification when input.IsText:
                yield return Make("SdcaLogisticRegression", featurize, m => m.BinaryClassification.Trainers.SdcaLogisticRegression(label, features));
                yield return Make("LbfgsLogisticRegression", featurize, m => m.BinaryClassification.Trainers.LbfgsLogisticRegression(label, features));
                break;
            case ComparisonTask.BinaryClassification:
                yield return Make("SdcaLogisticRegression", normalized, m => m.BinaryClassification.Trainers.SdcaLogisticRegression(label, normalizedFeatures));
                yield return Make("FastTree", featurize, m => m.BinaryClassification.Trainers.FastTree(label, features));
                yield return Make("LightGbm", featurize, m => m.BinaryClassification.Trainers.LightGbm(label, features));
                break;
            case ComparisonTask.MulticlassClassification when input.IsText:
                yield return Make("SdcaMaximumEntropy", featurize, m => m.MulticlassClassification.Trainers.SdcaMaximumEntropy(label, features));
                yield return Make("LbfgsMaximumEntropy", featurize, m => m.MulticlassClassification.Trainers.LbfgsMaximumEntropy(label, features));
                break;
            case ComparisonTask.MulticlassClassification:
                yield return Make("SdcaMaximumEntropy", normalized, m => m.MulticlassClassification.Trainers.SdcaMaximumEntropy(label, normalizedFeatures));
                yield return Make("LightGbm", featurize, m => m.MulticlassClassification.Trainers.LightGbm(label, features));
                break;
            case ComparisonTask.Regression when input.IsText:
                yield return Make("Sdca", featurize, m => m.Regression.Trainers.Sdca(label, features));
                yield return Make("FastTree", featurize, m => m.Regression.Trainers.FastTree(label, features));
                break;
            default:
                yield return Make("Sdca", normalized, m => m.Regression.Trainers.Sdca(label, normalizedFeatures));
                yield return Make("FastTree", featurize, m => m.Regression.Trainers.FastTree(label, features));
                yield return Make("LightGbm", featurize, m => m.Regression.Trainers.LightGbm(label, features));
                break;
        }

        // The linear probe on a pretrained encoder, after ML.NET's own (the slowest baseline: it encodes every row).
        if (input.IsText && options.IncludePretrainedBaselines)
        {
            foreach (PretrainedTextEncoder encoder in AutomaticEncoders())
            {
                (string trainer, Func<MLContext, IEstimator<ITransformer>> train) = task switch
                {
                    ComparisonTask.BinaryClassification => ("LbfgsLogisticRegression", m => m.BinaryClassification.Trainers.LbfgsLogisticRegression(
                        new LbfgsLogisticRegressionBinaryTrainer.Options { LabelColumnName = label, FeatureColumnName = FeaturesColumn, L1Regularization = 0 })),
                    ComparisonTask.MulticlassClassification => ("LbfgsMaximumEntropy", m => m.MulticlassClassification.Trainers.LbfgsMaximumEntropy(
                        new LbfgsMaximumEntropyMulticlassTrainer.Options { LabelColumnName = label, FeatureColumnName = FeaturesColumn, L1Regularization = 0 })),
                    _ => ("Sdca", (Func<MLContext, IEstimator<ITransformer>>)(m => m.Regression.Trainers.Sdca(label, FeaturesColumn))),
                };
                yield return SentenceVectorBaseline(encoder, trainer, train);
            }
        }
    }

    /// <summary>The linear probe on a pretrained encoder: its mean-pooled, L2-normalised sentence vectors
    /// (<c>PretrainedSentenceVectors</c>, <see cref="SentenceVectorLength"/> tokens at most), cached once per fit (a
    /// linear trainer passes over them many times), then <paramref name="train"/>.</summary>
    private ComparisonCandidate SentenceVectorBaseline(PretrainedTextEncoder encoder, string trainer, Func<MLContext, IEstimator<ITransformer>> train) =>
        new($"{encoder} sentence vectors + {trainer}", CandidateFamily.Baseline,
            new Dictionary<string, string>
            {
                ["Trainer"] = trainer,
                ["Features"] = $"PretrainedSentenceVectors({encoder}, maxLength {SentenceVectorLength.ToString(System.Globalization.CultureInfo.InvariantCulture)})",
            },
            (m, _) => new BuiltCandidate(
                m.Transforms.Text.PretrainedSentenceVectors(FeaturesColumn, input.ColumnName, encoder, SentenceVectorLength)
                    .AppendCacheCheckpoint(m).Append(train(m)),
                ParameterCounter.Count));

    /// <summary>Most WordPiece tokens per row of the sentence-vector baselines, [CLS] and [SEP] included: the transform's default.</summary>
    internal const int SentenceVectorLength = 256;

    private ComparisonCandidate Recurrent(RecurrentConfiguration configuration) =>
        new(configuration.Describe(), CandidateFamily.Recurrent, configuration.ToDictionary(), (m, cancel) =>
        {
            LstmTrainerOptions trainerOptions = task switch
            {
                ComparisonTask.BinaryClassification => new LstmBinaryTrainer.Options(),
                ComparisonTask.MulticlassClassification => new LstmMulticlassTrainer.Options(),
                _ => new LstmRegressionTrainer.Options(),
            };
            options.ConfigureRecurrent?.Invoke(trainerOptions);
            configuration.ApplyTo(trainerOptions.Network, nameof(SupervisedComparisonOptions.ConfigureRecurrent), "trainer");
            trainerOptions.Pooling = configuration.Pooling;
            if (configuration.LearningRate is double rate) trainerOptions.LearningRate = rate;
            trainerOptions.TextEncoder = configuration.TextEncoder;
            trainerOptions.LabelColumnName = label;
            trainerOptions.Seed = options.Seed;
            trainerOptions.CancellationToken = cancel;
            Func<LstmFitReport?> report;
            IEstimator<ITransformer> trainer;
            switch (trainerOptions)
            {
                case LstmBinaryTrainer.Options o:
                    var binary = m.BinaryClassification.Trainers.Lstm(Input(o));
                    (trainer, report) = (binary, () => binary.LastFitReport);
                    break;
                case LstmMulticlassTrainer.Options o:
                    var multiclass = m.MulticlassClassification.Trainers.Lstm(Input(o));
                    (trainer, report) = (multiclass, () => multiclass.LastFitReport);
                    break;
                case LstmRegressionTrainer.Options o:
                    var regression = m.Regression.Trainers.Lstm(Input(o));
                    (trainer, report) = (regression, () => regression.LastFitReport);
                    break;
                default:
                    throw new InvalidOperationException("Unknown trainer options.");
            }
            // A pretrained encoder reads the raw text column itself (its tokenisation is part of the model).
            IEstimator<ITransformer> pipeline = input.IsText && configuration.TextEncoder == PretrainedTextEncoder.None
                ? m.Transforms.Text.NormalizeText(NormalizedColumn, input.ColumnName, keepPunctuations: false)
                    .Append(m.Transforms.Text.TokenizeIntoWords(TokensColumn, NormalizedColumn)).Append(trainer)
                : trainer;
            return new BuiltCandidate(pipeline, _ => report()?.ParameterCount);
        });

    private T Input<T>(T trainerOptions) where T : LstmTrainerOptions
    {
        trainerOptions.FeatureColumnName = input.IsText && trainerOptions.TextEncoder == PretrainedTextEncoder.None ? TokensColumn : input.ColumnName;
        trainerOptions.FrameSize = input.FrameSize;
        return trainerOptions;
    }
}
