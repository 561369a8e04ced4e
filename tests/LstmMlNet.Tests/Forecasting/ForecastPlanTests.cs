using System.Reflection;
using LstmMlNet.Forecasting;
using LstmMlNet.Tests.Infrastructure;
using Microsoft.ML;

namespace LstmMlNet.Tests.Forecasting;

/// <summary>The plan of a Fit (<see cref="ForecastPlan"/>): every automatic value resolved once, the options never written.</summary>
public sealed class ForecastPlanTests
{
    private static LstmForecastingOptions Automatic() => new()
    {
        InputColumnName = nameof(AirMonth.Passengers),
        Horizon = 12,
        CovariateColumnNames = new[] { "Year" }, // with covariates: the automatic scaling and the covariate weight decay resolve
        Epochs = 2,
        MinimumOptimizerSteps = 40,
        Seed = 3,
        Network = { HiddenSize = 8 },
    };

    [Fact]
    public void Fit_never_writes_to_the_options_and_the_plan_holds_every_resolved_value()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.LoadFromEnumerable(AirlineData.Months()[..AirlineData.FirstOf1959]);
        LstmForecastingOptions options = Automatic();
        string[] before = Snapshot(options);
        var estimator = ml.Forecasting.ForecastByLstm(options);
        LstmForecastingTransformer fitted = estimator.Fit(data);
        using var release = Released.After(fitted);

        Assert.Equal(before, Snapshot(options));
        Assert.Same(options, estimator.Options);
        ForecastPlan plan = fitted.Plan;
        Assert.NotSame(options, plan.Request); // the Fit's own copy
        // As asked: automatic values stay automatic there, except the target transform, which the Fit's copy carries
        // resolved because everything that reads the series reads it there (the scoring read's check of Log1p's domain,
        // the engine's spec, the backtest's adaptive bounds). With a covariate the values stay as they are.
        Assert.Equal(before.Select(line => line == "TargetTransform=Automatic" ? "TargetTransform=None" : line), Snapshot(plan.Request));
        Assert.Equal(ForecastTargetTransform.None, plan.Layout.Transform);
        Assert.Equal(ForecastTargetTransform.None, fitted.FitReport.TargetTransform);
        Assert.Equal(0, plan.Request.WindowSize);
        Assert.Equal(ForecastScaling.Automatic, plan.Request.Scaling);
        // Resolved: monthly passengers have a season of 12; the automatic window covers the horizon plus a season.
        Assert.Equal(12, plan.Layout.Season);
        Assert.Equal(ForecastPlanner.AutomaticWindow(12, 12, AirlineData.FirstOf1959 - plan.Tails[0]), plan.Layout.WindowSize);
        Assert.Equal(plan.Layout.WindowSize, fitted.WindowSize);
        Assert.Equal(ForecastScaling.WindowMean, plan.Layout.Scaling);
        Assert.Equal(options.CovariateWeightDecay, plan.Training.WeightDecay);
        Assert.Equal(options.WindowsPerEpoch, plan.Training.RowsPerEpoch);
        int trainingWindows = AirlineData.FirstOf1959 - plan.Tails[0] - plan.Layout.WindowSize - 12 + 1;
        Assert.Equal(ForecastPlanner.Epochs(options, trainingWindows), plan.Training.Epochs);
        Assert.True(plan.Training.Epochs > options.Epochs, "40 optimiser steps over a few dozen windows need more than 2 epochs");
        Assert.Equal(plan.Training.Epochs, fitted.FitReport.History.Count);
        Assert.Equal(3, plan.Seed);
        Assert.Contains($"window {plan.Layout.WindowSize}, horizon 12, season 12", plan.ToString(), StringComparison.Ordinal);
    }

    /// <summary>Bike hourly counts (hour.csv's cnt, the first 8,640 rows): the automatic transform takes log(1 + y), on
    /// which the detector prefers the daily season to the stronger weekly one. A horizon of a week spans the weekly
    /// season, whose seasonal naive forecast has the lower training error there, so the plan uses 168; a day's horizon
    /// keeps 24.</summary>
    [Theory]
    [InlineData(24, 24)]
    [InlineData(168, 168)]
    public void A_horizon_that_spans_the_longer_season_takes_it_when_its_seasonal_naive_is_better(int horizon, int season)
    {
        float[] counts = File.ReadLines(SharedData.Path("bike", "hour.csv")).Skip(1).Take(8640)
            .Select(line => float.Parse(line.Split(',')[^1], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var ml = new MLContext(seed: 1);
        var options = new LstmForecastingOptions { InputColumnName = nameof(ForecastEngineTests.Point.Value), Horizon = horizon };
        options.Validate();
        List<Series> series = SeriesTable.Read(ml.Data.LoadFromEnumerable(counts.Select(v => new ForecastEngineTests.Point { Value = v })), options);
        var messages = new List<string>();
        ml.Log += (_, e) => { if (e.Message.Contains("ForecastByLstm", StringComparison.Ordinal)) messages.Add(e.Message); };
        using (var log = ((Microsoft.ML.Runtime.IHostEnvironment)ml).Start("plan"))
        {
            ForecastPlan plan = ForecastPlanner.Plan(options, series, 1, log);
            Assert.Equal(ForecastTargetTransform.Log1p, plan.Layout.Transform);
            Assert.Equal(season, plan.Layout.Season);
            Assert.True(plan.Layout.WindowSize >= season, plan.ToString());
        }
        Assert.Contains(messages, m => m.Contains("detected a season of 24 steps", StringComparison.Ordinal));
        if (horizon >= 168) Assert.Contains(messages, m => m.Contains("season 168 for horizon 168: training-part h-step errors seasonal naive 24 ", StringComparison.Ordinal));
        else Assert.DoesNotContain(messages, m => m.Contains("for horizon", StringComparison.Ordinal));
    }

    /// <summary>The automatic window's panel rule: M4 hourly (414 series, 233,534 training windows at the standard W 72) reads
    /// four horizons, 192 hours capped at a third of its shortest training part (560 → 186); its first 40 series
    /// (17,640 windows) and one long hourly series (all 17,379 bike counts, 13,832 windows) keep the standard window.</summary>
    [Fact]
    public void A_panel_reads_four_horizons_and_less_data_keeps_the_standard_window()
    {
        List<M4HourlySample.M4Series> m4 = M4HourlySample.M4Data.Load(SharedData.Path("m4", "Hourly-train.csv"), SharedData.Path("m4", "Hourly-test.csv"));
        var ml = new MLContext(seed: 1);
        (int Season, int Window, List<string> Log) Resolve(IEnumerable<(string Id, float Value)> rows, int horizon)
        {
            var options = new LstmForecastingOptions { InputColumnName = nameof(PanelRow.Value), SeriesIdColumnName = nameof(PanelRow.Id), Horizon = horizon };
            options.Validate();
            List<Series> series = SeriesTable.Read(ml.Data.LoadFromEnumerable(rows.Select(r => new PanelRow { Id = r.Id, Value = r.Value })), options);
            var log = new List<string>();
            var context = new MLContext(seed: 1);
            context.Log += (_, e) => { if (e.Message.Contains("window", StringComparison.Ordinal)) log.Add(e.Message); };
            using var channel = ((Microsoft.ML.Runtime.IHostEnvironment)context).Start("plan");
            var (season, window) = ForecastPlanner.SeasonAndWindow(options, series, channel);
            return (season, window, log);
        }

        var all = Resolve(m4.SelectMany(s => s.Train.Select(v => (s.Id, v))), 48);
        Assert.Equal(24, all.Season);
        Assert.Equal(186, all.Window);
        Assert.Contains(all.Log, m => m.Contains("window 186 (automatic: 233534 training windows, at least 50000, so 4 horizons of 48", StringComparison.Ordinal));
        var forty = Resolve(m4.Take(40).SelectMany(s => s.Train.Select(v => (s.Id, v))), 48);
        Assert.Equal(72, forty.Window);
        Assert.Contains(forty.Log, m => m.Contains("window 72 (automatic: season 24, horizon 48, shortest training part 560, 17640 training windows)", StringComparison.Ordinal));

        float[] counts = File.ReadLines(SharedData.Path("bike", "hour.csv")).Skip(1)
            .Select(line => float.Parse(line.Split(',')[^1], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var bike = Resolve(counts.Select(v => ("bike", v)), 24);
        Assert.Equal(48, bike.Window);
        Assert.Contains(bike.Log, m => m.Contains("window 48 (automatic: season 24, horizon 24, shortest training part 13903, 13832 training windows)", StringComparison.Ordinal));

        // The rule itself: the count decides, the cap still holds, and without a season four horizons.
        Assert.Equal(72, ForecastPlanner.AutomaticWindow(24, 48, 2000, ForecastPlanner.LongWindowMinimumWindows - 1));
        Assert.Equal(192, ForecastPlanner.AutomaticWindow(24, 48, 2000, ForecastPlanner.LongWindowMinimumWindows));
        Assert.Equal(60, ForecastPlanner.AutomaticWindow(24, 48, 180, ForecastPlanner.LongWindowMinimumWindows));
        Assert.Equal(20, ForecastPlanner.AutomaticWindow(1, 10, 2000, 0));
        Assert.Equal(40, ForecastPlanner.AutomaticWindow(1, 10, 2000, 1_000_000));
        Assert.Equal(24, ForecastPlanner.AutomaticWindow(12, 6, 2000, 1_000_000)); // four horizons (24) are no more than two seasons
    }

    private sealed class PanelRow
    {
        public string Id { get; set; } = string.Empty;

        public float Value { get; set; }
    }

    [Fact]
    public void ForLoop_copies_every_training_setting_and_replaces_only_what_it_is_given()
    {
        PropertyInfo[] properties = typeof(TrainingOptions).GetProperties(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance);
        using var cancel = new CancellationTokenSource();
        var progress = new Progress<TrainingProgress>();
        var source = new TrainingOptions
        {
            Epochs = 7, BatchSize = 9, LearningRate = 0.25, Optimizer = OptimizerKind.Sgd, Momentum = 0.5, WeightDecay = 0.125,
            SparseEmbeddingUpdates = false, Schedule = LearningRateSchedule.Cosine, StepEpochs = 3, StepGamma = 0.75, WarmupEpochs = 1.5,
            GradientClipNorm = 2.5, ValidationFraction = 0.3, EarlyStoppingPatience = 4, RestoreBestWeights = false, Seed = 11,
            Progress = progress, CancellationToken = cancel.Token, TimeBudget = TimeSpan.FromSeconds(42),
        };
        typeof(TrainingOptions).GetProperty("TruncatedBpttSteps", BindingFlags.NonPublic | BindingFlags.Instance)!.SetValue(source, 5);
        typeof(TrainingOptions).GetProperty("RowsPerEpoch", BindingFlags.NonPublic | BindingFlags.Instance)!.SetValue(source, 6);
        typeof(TrainingOptions).GetProperty("RestoreMargin", BindingFlags.NonPublic | BindingFlags.Instance)!.SetValue(source, 0.5);
        typeof(TrainingOptions).GetProperty("AveragingEpochs", BindingFlags.NonPublic | BindingFlags.Instance)!.SetValue(source, 3);
        var defaults = new TrainingOptions();
        foreach (PropertyInfo p in properties)
            Assert.False(Equals(p.GetValue(source), p.GetValue(defaults)), $"{p.Name} must differ from its default for the test to see it copied.");

        TrainingOptions copy = source.ForLoop();
        Assert.Equal(typeof(TrainingOptions), copy.GetType());
        foreach (PropertyInfo p in properties) Assert.True(Equals(p.GetValue(source), p.GetValue(copy)), $"{p.Name} was not copied.");

        TrainingOptions changed = source.ForLoop(epochs: 2, rowsPerEpoch: 1, weightDecay: 0, earlyStoppingPatience: 0, restoreBestWeights: true, averagingEpochs: 0);
        Assert.Equal((2, 1, 0.0, 0, true, 0), (changed.Epochs, changed.RowsPerEpoch, changed.WeightDecay, changed.EarlyStoppingPatience, changed.RestoreBestWeights, changed.AveragingEpochs));
        Assert.Equal((7, 6, 0.125, 4, false, 3), (source.Epochs, source.RowsPerEpoch, source.WeightDecay, source.EarlyStoppingPatience, source.RestoreBestWeights, source.AveragingEpochs));
    }

    [Theory]
    [InlineData(ForecastModelSelection.Automatic, new[] { 100 }, 24, false)] // 4.2 horizons: too few to choose on
    [InlineData(ForecastModelSelection.Automatic, new[] { 719 }, 24, false)] // 29.96
    [InlineData(ForecastModelSelection.Automatic, new[] { 720 }, 24, true)] // 30
    [InlineData(ForecastModelSelection.Automatic, new[] { 1728 }, 24, true)] // one long hourly series: 72
    [InlineData(ForecastModelSelection.Automatic, new[] { 29, 29, 29 }, 12, false)] // 7.25 over three series
    [InlineData(ForecastModelSelection.BestEpoch, new[] { 29 }, 12, true)]
    [InlineData(ForecastModelSelection.LastEpoch, new[] { 1728 }, 24, false)]
    public void Model_selection_keeps_the_best_epoch_when_the_tails_hold_enough_horizons(ForecastModelSelection selection, int[] tails, int h, bool best)
    {
        var o = new LstmForecastingOptions { InputColumnName = "y", Horizon = h, ModelSelection = selection };
        Assert.Equal(best, ForecastPlanner.SelectsBestEpoch(o, tails, null));
    }

    [Fact]
    public void A_long_series_keeps_its_best_validation_epoch_and_the_last_epoch_setting_keeps_the_last()
    {
        // 3,000 noisy steps of a 12-step cycle: the automatic tail (600) holds 150 horizons of 4.
        var random = new Random(5);
        var points = Enumerable.Range(0, 3000).Select(t => new AirMonth { Passengers = 10f + MathF.Sin(t * MathF.PI / 6) + (float)(random.NextDouble() - 0.5) }).ToArray();
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.LoadFromEnumerable(points);
        LstmForecastingOptions Options(ForecastModelSelection selection) => new()
        {
            InputColumnName = nameof(AirMonth.Passengers), Horizon = 4, Epochs = 40, WindowsPerEpoch = 256, MinimumOptimizerSteps = 0, Seed = 2,
            LearningRate = 0.01, EarlyStoppingPatience = 4, Network = { HiddenSize = 8 }, ModelSelection = selection,
        };
        LstmForecastingTransformer best = ml.Forecasting.ForecastByLstm(Options(ForecastModelSelection.Automatic)).Fit(data);
        using (Released.After(best))
        {
            Assert.True(best.Plan.Training.RestoreBestWeights);
            ForecastFitReport report = best.FitReport;
            double[] validation = report.History.Select(p => p.ValidationLoss!.Value).ToArray();
            int lowest = Array.IndexOf(validation, validation.Min()) + 1;
            if (report.StoppedEarly) Assert.Equal(lowest + 4, report.History.Count); // stopped 4 epochs after the lowest
            else Assert.Equal(40, report.History.Count);
            // The lowest epoch's weights, unless the last epoch is within the restore margin (2%) of it.
            bool restored = validation[^1] - validation.Min() > ForecastPlanner.RestoreMargin * validation[^1];
            Assert.Equal(restored ? lowest : report.History.Count, report.BestEpoch);
            Assert.Equal(ForecastPlanner.RestoreMargin, best.Plan.Training.RestoreMargin);
        }
        LstmForecastingTransformer last = ml.Forecasting.ForecastByLstm(Options(ForecastModelSelection.LastEpoch)).Fit(data);
        using (Released.After(last))
        {
            Assert.False(last.Plan.Training.RestoreBestWeights);
            Assert.Equal(0, last.Plan.Training.EarlyStoppingPatience);
            Assert.Equal((40, 40, false), (last.FitReport.History.Count, last.FitReport.BestEpoch, last.FitReport.StoppedEarly));
        }
    }

    /// <summary>Every readable property of the options and of their network, as name=value lines (arrays by content).</summary>
    private static string[] Snapshot(LstmForecastingOptions o)
    {
        static IEnumerable<string> Of(object value) => value.GetType().GetProperties(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && p.Name != nameof(LstmForecastingOptions.Network))
            .Select(p => p.GetValue(value) switch
            {
                string[] names => $"{p.Name}=[{string.Join(",", names)}]",
                var v => $"{p.Name}={v}",
            });
        return Of(o).Concat(Of(o.Network).Select(line => "Network." + line)).Order(StringComparer.Ordinal).ToArray();
    }
}
