using LstmMlNet.Comparison;
using LstmMlNet.Engine;
using LstmMlNet.Tests.Catalog;
using LstmMlNet.Tests.Infrastructure;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Xunit.Abstractions;

namespace LstmMlNet.Tests.Comparison;

public sealed class SupervisedComparisonTests(ITestOutputHelper output)
{
    private static readonly RecurrentSearchSpace OneSmallLstm = new()
    {
        Cells = new[] { RecurrentCellKind.Lstm },
        HiddenSizes = new[] { 32 },
        TextEncoders = new[] { PretrainedTextEncoder.None },   // not the automatic MiniLM twin (this project references its package)
    };

    private static IDataView Yelp(MLContext ml, int rows) => ml.Data.TakeRows(ml.Data.ShuffleRows(
        ml.Data.LoadFromTextFile<SentimentRow>(SharedData.Path("sentiment", "yelp_labelled.txt"), separatorChar: '\t', hasHeader: false, allowQuoting: false),
        seed: 1), rows);

    [Fact]
    public void Binary_comparison_cross_validates_baselines_and_recurrent_on_the_same_folds_and_logs_each_trial()
    {
        var ml = new MLContext(seed: 1);
        var lines = new List<string>();
        ml.Log += (_, e) => { if (e.Source == "ModelComparison") lock (lines) lines.Add(e.RawMessage); };
        IDataView data = ml.Data.Cache(Yelp(ml, 600));
        var reports = new List<ComparisonProgress>();
        var options = new SupervisedComparisonOptions
        {
            Folds = 3,
            SearchSpace = OneSmallLstm,
            IncludePretrainedBaselines = false,
            ConfigureRecurrent = o => o.Epochs = 3,
            Progress = new SyncProgress<ComparisonProgress>(reports.Add),
        };

        ComparisonResult result = ml.CompareModels().BinaryClassification(data, ComparisonInput.Text(nameof(SentimentRow.Text)), options: options);
        output.WriteLine(result.ToTable());

        Assert.Equal(new[] { "FeaturizeText + SdcaLogisticRegression", "FeaturizeText + LbfgsLogisticRegression", "BiLstm H32 L1 Max" },
            result.Trials.Select(t => t.Name));
        Assert.All(result.Trials, t =>
        {
            Assert.Equal(TrialStatus.Completed, t.Status);
            Assert.Equal(3, t.FoldMetrics.Count);
            Assert.Equal(t.FoldMetrics.Average(), t.Mean, 12);
            double sd = Math.Sqrt(t.FoldMetrics.Sum(m => (m - t.Mean) * (m - t.Mean)) / 2);
            Assert.Equal(sd, t.StandardDeviation, 12);
            // Bag-of-n-gram baselines reach ~0.75 on 400 training rows; 3 epochs of a small LSTM stay above chance.
            Assert.InRange(t.Mean, t.Family == CandidateFamily.Baseline ? 0.65 : 0.5, 1.0);
            Assert.True(t.Parameters > 0, t.Name);
        });
        Assert.Equal(result.Trials.OrderByDescending(t => t.Mean).Select(t => t.Name), result.Leaderboard.Select(t => t.Name));
        Assert.False(result.BudgetExhausted);

        // The L-BFGS baseline (deterministic) matches a hand-written cross-validation on the same seeded folds, and its
        // parameter count is the featurizer's width plus the bias.
        var folds = ml.Data.CrossValidationSplit(data, 3, seed: 1);
        var handMetrics = new List<double>();
        int width = 0;
        foreach (var fold in folds)
        {
            var pipeline = ml.Transforms.Text.FeaturizeText("F", nameof(SentimentRow.Text)).Append(ml.BinaryClassification.Trainers.LbfgsLogisticRegression("Label", "F"));
            ITransformer model = pipeline.Fit(fold.TrainSet);
            handMetrics.Add(ml.BinaryClassification.Evaluate(model.Transform(fold.TestSet)).Accuracy);
            width = ((VectorDataViewType)model.GetOutputSchema(data.Schema)["F"].Type).Size;
        }
        TrialResult lbfgs = result.Trials[1];
        for (int i = 0; i < 3; i++) Assert.Equal(handMetrics[i], lbfgs.FoldMetrics[i], 9);
        Assert.Equal(width + 1, lbfgs.Parameters);

        // One log line per trial and a best line; progress at each fold start and each trial end.
        Assert.Equal(3, lines.Count(l => l.StartsWith("Trial ", StringComparison.Ordinal)));
        Assert.Contains(lines, l => l.StartsWith("Trial 3/3 BiLstm H32 L1 Max: Accuracy", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Best: " + result.Best!.Name, StringComparison.Ordinal));
        Assert.Equal(9, reports.Count(r => r.Completed is null));
        Assert.Equal(result.Trials, reports.Where(r => r.Completed is not null).Select(r => r.Completed!));

        // The best pipeline, refitted on all rows, saves and loads with plain ML.NET and scores as before.
        Assert.Same(result.Best, result.BestModelTrial);
        Assert.NotNull(result.BestModel);
        AssertSavedModelScoresAlike(ml, result.BestModel!, data, "Score", (float[] before, float[] after) => Assert.Equal(before, after));
    }

    [Fact]
    public void The_MiniLM_sentence_vector_probe_is_a_baseline_equal_to_the_hand_built_pipeline_and_is_refitted_when_it_wins()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.Cache(Yelp(ml, 160));
        var options = new SupervisedComparisonOptions { Folds = 2, IncludeRecurrent = false };   // baselines only (the probe is one by default)

        ComparisonResult result = ml.CompareModels().BinaryClassification(data, ComparisonInput.Text(nameof(SentimentRow.Text)), options: options);
        output.WriteLine(result.ToTable());

        Assert.Equal(new[] { "FeaturizeText + SdcaLogisticRegression", "FeaturizeText + LbfgsLogisticRegression", "MiniLM sentence vectors + LbfgsLogisticRegression" },
            result.Trials.Select(t => t.Name));
        TrialResult probe = result.Trials[2];
        Assert.Equal(TrialStatus.Completed, probe.Status);
        Assert.Equal(CandidateFamily.Baseline, probe.Family);
        Assert.Equal("PretrainedSentenceVectors(MiniLM, maxLength 256)", probe.Configuration["Features"]);
        Assert.Equal(384 + 1, probe.Parameters);

        // The same figure as the public transform + L-BFGS written by hand on the same seeded folds.
        var folds = ml.Data.CrossValidationSplit(data, 2, seed: 1);
        for (int i = 0; i < 2; i++)
        {
            var pipeline = ml.Transforms.Text.PretrainedSentenceVectors("Vectors", nameof(SentimentRow.Text), PretrainedTextEncoder.MiniLM, maxLength: 256)
                .Append(ml.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options { FeatureColumnName = "Vectors", L1Regularization = 0 }));
            ITransformer model = pipeline.Fit(folds[i].TrainSet);
            using var release = Released.After(model);
            Assert.Equal(ml.BinaryClassification.Evaluate(model.Transform(folds[i].TestSet)).Accuracy, probe.FoldMetrics[i], 6);
        }

        // On 80 training rows the probe beats the bag-of-n-grams baselines (~0.85 against ~0.65), so it is the model
        // refitted on all rows; it saves and loads with plain ML.NET and scores as before.
        Assert.Same(probe, result.Best);
        Assert.Same(probe, result.BestModelTrial);
        try
        {
            AssertSavedModelScoresAlike(ml, result.BestModel!, data, "Score", (float[] before, float[] after) => Assert.Equal(before, after));
        }
        finally
        {
            LstmMlNet.Onnx.ModelRelease.Release(result.BestModel!);
        }
    }

    [Fact]
    public void The_probe_is_offered_for_multiclass_and_regression_on_text()
    {
        var ml = new MLContext(seed: 1);
        IDataView news = ml.Data.TakeRows(ml.Data.ShuffleRows(
            ml.Data.LoadFromTextFile<NewsRow>(SharedData.Path("agnews", "ag_news_test.csv"), separatorChar: ',', hasHeader: false, allowQuoting: true), seed: 1), 120);
        IDataView topics = ml.Data.Cache(ml.Transforms.CopyColumns("Label", nameof(NewsRow.Class)).Fit(news).Transform(news));
        var options = new SupervisedComparisonOptions { Folds = 2, IncludeRecurrent = false, RefitBest = false };
        ComparisonResult multiclass = ml.CompareModels().MulticlassClassification(topics, ComparisonInput.Text(nameof(NewsRow.Title)), options: options);
        output.WriteLine(multiclass.ToTable());
        TrialResult probe = Assert.Single(multiclass.Trials, t => t.Name == "MiniLM sentence vectors + LbfgsMaximumEntropy");
        Assert.Equal(TrialStatus.Completed, probe.Status);
        Assert.Equal(4 * 384 + 4, probe.Parameters);
        Assert.InRange(probe.Mean, 0.4, 1.0);   // four topics from 60 training titles: well above chance (0.25)

        IDataView yelp = Yelp(ml, 120);
        IDataView scores = ml.Data.Cache(ml.Transforms.Conversion.ConvertType("Stars", nameof(SentimentRow.Label), DataKind.Single).Fit(yelp).Transform(yelp));
        ComparisonResult regression = ml.CompareModels().Regression(scores, ComparisonInput.Text(nameof(SentimentRow.Text)), "Stars", options);
        output.WriteLine(regression.ToTable());
        Assert.Equal(TrialStatus.Completed, Assert.Single(regression.Trials, t => t.Name == "MiniLM sentence vectors + Sdca").Status);
    }

    [Fact]
    public void With_the_MiniLM_package_referenced_each_default_text_configuration_is_also_tried_on_MiniLM_and_the_probe_can_be_switched_off()
    {
        var ml = new MLContext(seed: 1);
        var options = new SupervisedComparisonOptions
        {
            Folds = 2,
            IncludePretrainedBaselines = false,
            RefitBest = false,
            SearchSpace = new RecurrentSearchSpace { Cells = new[] { RecurrentCellKind.Gru }, HiddenSizes = new[] { 8 } },   // TextEncoders left automatic
            ConfigureRecurrent = o => { o.Epochs = 1; o.MaxSequenceLength = 32; },
        };

        ComparisonResult result = ml.CompareModels().BinaryClassification(ml.Data.Cache(Yelp(ml, 120)), ComparisonInput.Text(nameof(SentimentRow.Text)), options: options);
        output.WriteLine(result.ToTable());

        Assert.Equal(new[] { "FeaturizeText + SdcaLogisticRegression", "FeaturizeText + LbfgsLogisticRegression", "BiGru H8 L1 Max", "MiniLM BiGru H8 L1 Max" },
            result.Trials.Select(t => t.Name));
        Assert.All(result.Trials, t => Assert.Equal(TrialStatus.Completed, t.Status));
        Assert.Equal("MiniLM", result.Trials[3].Configuration["TextEncoder"]);
    }

    [Fact]
    public void A_random_search_without_a_cap_keeps_drawing_configurations_until_the_budget_is_spent()
    {
        var ml = new MLContext(seed: 1);
        var budget = TimeSpan.FromSeconds(20);
        var options = new SupervisedComparisonOptions
        {
            Folds = 2,
            IncludeBaselines = false,
            RefitBest = false,
            TimeBudget = budget,
            Strategy = SearchStrategy.Random,
            MaxRecurrentTrials = 0,
            // 3 cells × 5 widths × 2 directions × 20 learning rates = 600 tiny configurations (~0.1–0.5 s each on 2
            // cores): more than the budget can take.
            SearchSpace = new RecurrentSearchSpace
            {
                Cells = new[] { RecurrentCellKind.Lstm, RecurrentCellKind.Gru, RecurrentCellKind.RnnTanh },
                HiddenSizes = new[] { 4, 5, 6, 7, 8 },
                Bidirectional = new[] { true, false },
                LearningRates = Enumerable.Range(1, 20).Select(i => i * 1e-3).ToArray(),
                TextEncoders = new[] { PretrainedTextEncoder.None },
            },
            ConfigureRecurrent = o => { o.Epochs = 2; o.EarlyStoppingPatience = 0; o.ValidationFraction = 0; },
        };

        ComparisonResult result = ml.CompareModels().BinaryClassification(ml.Data.Cache(Yelp(ml, 120)), ComparisonInput.Text(nameof(SentimentRow.Text)), options: options);
        output.WriteLine(result.ToTable());

        int completed = result.Trials.Count(t => t.Status == TrialStatus.Completed);
        Assert.True(completed > 8, $"{completed} trials completed: no more than the old default of 8 draws");
        Assert.True(result.BudgetExhausted);
        Assert.True(result.BudgetUsed >= 0.7, $"{result.BudgetUsed:P0} of the budget used");
        Assert.Equal(budget, result.TimeBudget);
        Assert.Equal(result.Elapsed / budget, result.BudgetUsed, 12);
        // Distinct draws in the seeded order; the budget's end is no trial (a draw never made is not listed as not run).
        Assert.Equal(options.SearchSpace.Sample(result.Trials.Count, seed: 1).Select(c => c.Describe()), result.Trials.Select(t => t.Name));
        Assert.DoesNotContain(result.Trials, t => t.Status == TrialStatus.NotRun);
        Assert.All(result.Trials.SkipLast(1), t => Assert.Equal(TrialStatus.Completed, t.Status));
        Assert.Contains("% of the 20 s budget; the budget ended the search", result.ToTable(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_configure_callback_that_nulls_the_network_fails_the_trial_with_a_message_naming_the_callback()
    {
        var ml = new MLContext(seed: 1);
        var options = new SupervisedComparisonOptions
        {
            Folds = 2,
            IncludeBaselines = false,
            SearchSpace = OneSmallLstm,
            ConfigureRecurrent = o => o.Network = null!,
        };

        ComparisonResult result = ml.CompareModels().BinaryClassification(ml.Data.Cache(Yelp(ml, 40)), ComparisonInput.Text(nameof(SentimentRow.Text)), options: options);

        TrialResult only = Assert.Single(result.Trials);
        Assert.Equal(TrialStatus.Failed, only.Status);
        Assert.Contains("ConfigureRecurrent set the trainer options' Network to null; change its members instead (o.Network.HiddenSize = 64, ...).", only.Error);
        Assert.Null(result.BestModel);
    }

    [Fact]
    public void Multiclass_recurrent_winner_is_refitted_with_the_original_label_values_and_survives_save_and_load()
    {
        var ml = new MLContext(seed: 1);
        IDataView news = ml.Data.TakeRows(ml.Data.ShuffleRows(
            ml.Data.LoadFromTextFile<NewsRow>(SharedData.Path("agnews", "ag_news_test.csv"), separatorChar: ',', hasHeader: false, allowQuoting: true), seed: 1), 400);
        IDataView data = ml.Data.Cache(ml.Transforms.CopyColumns("Label", nameof(NewsRow.Class)).Fit(news).Transform(news));
        var options = new SupervisedComparisonOptions
        {
            Folds = 2,
            IncludeBaselines = false,
            SearchSpace = OneSmallLstm,
            ConfigureRecurrent = o => o.Epochs = 2,
        };

        ComparisonResult result = ml.CompareModels().MulticlassClassification(data, ComparisonInput.Text(nameof(NewsRow.Title)), options: options);
        output.WriteLine(result.ToTable());

        TrialResult only = Assert.Single(result.Trials);
        Assert.Equal(TrialStatus.Completed, only.Status);
        Assert.Equal(CandidateFamily.Recurrent, only.Family);
        Assert.InRange(only.Mean, 0.0, 1.0);
        AssertSavedModelScoresAlike(ml, result.BestModel!, data, "PredictedLabel", (string[] before, string[] after) =>
        {
            Assert.Equal(before, after);
            Assert.All(after, label => Assert.Contains(label, new[] { "1", "2", "3", "4" }));
        });
    }

    [Fact]
    public void Regression_on_numeric_sequences_runs_the_tree_and_linear_baselines_and_counts_their_parameters()
    {
        var ml = new MLContext(seed: 1);
        var random = new Random(5);
        var rows = Enumerable.Range(0, 300).Select(_ =>
        {
            var values = Enumerable.Range(0, 20).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            // Label: a weighted sum over the 10 frames of the first feature, plus the last frame's second feature.
            float label = Enumerable.Range(0, 10).Sum(t => values[2 * t] * (t + 1) / 10f) + values[19];
            return new SequenceRow { Values = values, Label = label };
        }).ToArray();
        IDataView data = ml.Data.LoadFromEnumerable(rows);
        var options = new SupervisedComparisonOptions
        {
            Folds = 2,
            SearchSpace = new RecurrentSearchSpace { Cells = new[] { RecurrentCellKind.Gru }, HiddenSizes = new[] { 16 }, Bidirectional = new[] { false }, Pooling = new[] { PoolingKind.Last } },
            ConfigureRecurrent = o => o.Epochs = 5,
        };

        ComparisonResult result = ml.CompareModels().Regression(data, ComparisonInput.Sequence(nameof(SequenceRow.Values), frameSize: 2), options: options);
        output.WriteLine(result.ToTable());

        Assert.Equal(new[] { "Sdca", "FastTree", "LightGbm", "Gru H16 L1 Last" }, result.Trials.Select(t => t.Name));
        Assert.All(result.Trials, t => Assert.Equal(TrialStatus.Completed, t.Status));
        Assert.Equal(21, result.Trials[0].Parameters);
        Assert.True(result.Trials[1].Parameters > 100);
        // A linear target: the linear baseline explains nearly all of it.
        Assert.InRange(result.Trials[0].Mean, 0.95, 1.0);
    }

    [Fact]
    public void The_budget_stops_a_running_recurrent_fit_and_skips_the_rest()
    {
        var ml = new MLContext(seed: 1);
        var options = new SupervisedComparisonOptions
        {
            Folds = 2,
            IncludeBaselines = false,
            SearchSpace = new RecurrentSearchSpace { Cells = new[] { RecurrentCellKind.Lstm, RecurrentCellKind.Gru }, HiddenSizes = new[] { 32 }, TextEncoders = new[] { PretrainedTextEncoder.None } },
            // No early stopping: on a fast machine it would end the first fit inside the budget.
            ConfigureRecurrent = o => { o.Epochs = 100_000; o.EarlyStoppingPatience = 0; o.ValidationFraction = 0; },
            TimeBudget = TimeSpan.FromSeconds(3),
        };

        ComparisonResult result = ml.CompareModels().BinaryClassification(Yelp(ml, 200), ComparisonInput.Text(nameof(SentimentRow.Text)), options: options);

        Assert.Equal(new[] { TrialStatus.StoppedByBudget, TrialStatus.NotRun }, result.Trials.Select(t => t.Status));
        Assert.True(result.BudgetExhausted);
        Assert.Null(result.Best);
        Assert.Null(result.BestModel);
        Assert.Empty(result.Leaderboard);
        Assert.Contains("time budget", result.Trials[0].Error, StringComparison.Ordinal);
        Assert.True(result.Elapsed < TimeSpan.FromSeconds(120), $"cancellation took {result.Elapsed}");
    }

    [Fact]
    public void Caller_cancellation_throws()
    {
        var ml = new MLContext(seed: 1);
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        var options = new SupervisedComparisonOptions { Folds = 2, CancellationToken = cancel.Token };
        Assert.ThrowsAny<OperationCanceledException>(() =>
            ml.CompareModels().BinaryClassification(Yelp(ml, 100), ComparisonInput.Text(nameof(SentimentRow.Text)), options: options));
    }

    [Fact]
    public void Wrong_columns_throw_naming_the_column()
    {
        var ml = new MLContext(seed: 1);
        IDataView yelp = Yelp(ml, 50);
        var text = ComparisonInput.Text(nameof(SentimentRow.Text));
        var wrongLabel = Assert.Throws<ArgumentOutOfRangeException>(() => ml.CompareModels().Regression(yelp, text));
        Assert.Contains("'Label' must be Single", wrongLabel.Message, StringComparison.Ordinal);
        var missing = Assert.Throws<ArgumentOutOfRangeException>(() => ml.CompareModels().BinaryClassification(yelp, ComparisonInput.Text("Review")));
        Assert.Contains("'Review' was not found", missing.Message, StringComparison.Ordinal);
        var notVector = Assert.Throws<ArgumentOutOfRangeException>(() => ml.CompareModels().BinaryClassification(yelp, ComparisonInput.Sequence("Text", 2)));
        Assert.Contains("'Text' must be a Single vector", notVector.Message, StringComparison.Ordinal);
    }

    private sealed class SequenceRow
    {
        [VectorType(20)]
        public float[] Values { get; set; } = Array.Empty<float>();

        public float Label { get; set; }
    }

    /// <summary>Reports synchronously (Progress&lt;T&gt; posts to the thread pool).</summary>
    private sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }

    /// <summary>Saves <paramref name="model"/> with ML.NET, loads it in a fresh context (a separate load path) and hands
    /// <paramref name="check"/> the column <paramref name="column"/> of both over <paramref name="data"/>.</summary>
    private static void AssertSavedModelScoresAlike<T>(MLContext ml, ITransformer model, IDataView data, string column, Action<T[], T[]> check)
    {
        string path = Path.Combine(Path.GetTempPath(), $"comparison-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(model, data.Schema, path);
            ITransformer loaded = new MLContext().Model.Load(path, out _);
            using var releaseLoaded = Released.After(loaded);
            check(model.Transform(data).GetColumn<T>(column).ToArray(), loaded.Transform(data).GetColumn<T>(column).ToArray());
        }
        finally
        {
            File.Delete(path);
        }
    }
}
