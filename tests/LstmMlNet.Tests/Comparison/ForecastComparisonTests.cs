using LstmMlNet.Comparison;
using LstmMlNet.Engine;
using LstmMlNet.Forecasting;
using LstmMlNet.Tests.Forecasting;
using Microsoft.ML;
using Xunit.Abstractions;

namespace LstmMlNet.Tests.Comparison;

public sealed class ForecastComparisonTests(ITestOutputHelper output)
{
    private const int Window = 14;
    private const int Horizon = 7;
    private const int Folds = 3;
    private const int FoldLength = 30;

    [Fact]
    public void Rolling_origin_backtest_ranks_naive_rules_trees_and_a_recurrent_forecaster_on_bike_demand()
    {
        var ml = new MLContext(seed: 1);
        BikeDay[] days = BikeData.Days();
        IDataView data = ml.Data.LoadFromEnumerable(days);
        var options = new ForecastComparisonOptions
        {
            Folds = Folds,
            FoldLength = FoldLength,
            SearchSpace = new RecurrentSearchSpace { Cells = new[] { RecurrentCellKind.Lstm }, HiddenSizes = new[] { 16 }, Bidirectional = new[] { false } },
            ConfigureForecaster = o => { o.Epochs = 8; o.MinimumOptimizerSteps = 0; },
        };

        ComparisonResult result = ml.CompareModels().Forecasting(data, nameof(BikeDay.Count), Window, Horizon, seasonality: 7, options);
        output.WriteLine(result.ToTable());

        Assert.Equal(new[] { "Naive (last value)", "Seasonal naive (s=7)", "FastTree on lag features", "LightGbm on lag features", "Lstm H16 L1" },
            result.Trials.Select(t => t.Name));
        Assert.All(result.Trials, t => Assert.Equal(TrialStatus.Completed, t.Status));
        Assert.Equal(result.Trials.OrderBy(t => t.Mean).Select(t => t.Name), result.Leaderboard.Select(t => t.Name));

        // The naive rules' fold MAEs equal a hand computation of the same protocol: the last 3 × 30 rows in 3 blocks,
        // every origin whose 7 steps lie inside the data, all 7 steps scored.
        float[] y = days.Select(d => d.Count).ToArray();
        int n = y.Length;
        for (int fold = 0; fold < Folds; fold++)
        {
            int start = n - (Folds - fold) * FoldLength;
            double naive = 0, seasonal = 0;
            int pairs = 0;
            for (int t = start; t < start + FoldLength && t + Horizon - 1 < n; t++)
                for (int k = 1; k <= Horizon; k++)
                {
                    naive += Math.Abs(y[t + k - 1] - y[t - 1]);
                    seasonal += Math.Abs(y[t + k - 1] - y[t + k - 1 - 7]);
                    pairs++;
                }
            Assert.Equal(naive / pairs, result.Trials[0].FoldMetrics[fold], 6);
            Assert.Equal(seasonal / pairs, result.Trials[1].FoldMetrics[fold], 6);
        }
        Assert.Equal(0, result.Trials[0].Parameters);
        Assert.True(result.Trials[2].Parameters > Horizon);

        // The recurrent forecaster's parameters follow 4(I+H)H + 8H for its LSTM plus a per-step head H+1; the folds'
        // training rows show a weekly season (7), so each future step also reads the same weekday of the window's ⌊14/7⌋ = 2
        // weeks (I = 2 + 2 frame features) and a bias-free step skip maps the I features to the output. It is refitted on
        // all rows as a ForecastByLstm model.
        TrialResult lstm = result.Trials[4];
        Assert.Equal(4L * (4 + 16) * 16 + 8 * 16 + 16 + 1 + 4, lstm.Parameters);
        Assert.Same(lstm, result.BestModelTrial);
        var model = Assert.IsType<LstmForecastingTransformer>(result.BestModel);
        Assert.Equal(Horizon, model.Horizon);
        Assert.Equal(Window, model.WindowSize);
        // Every candidate forecasts bike demand within a sane range of the daily level (~4,500 rides).
        Assert.All(result.Trials, t => Assert.InRange(t.Mean, 300, 2500));
    }

    [Fact]
    public void Covariates_known_in_the_future_reach_the_lag_feature_baselines_at_the_target_step()
    {
        // y[t] = 100·x[t] + a slow weekly wave, x random: only a model that sees x at the target step can forecast well.
        var ml = new MLContext(seed: 1);
        var random = new Random(3);
        var rows = Enumerable.Range(0, 400).Select(t =>
        {
            float x = (float)random.NextDouble();
            return new CovariatePoint { X = x, Value = 100 * x + 10 * MathF.Sin(2 * MathF.PI * t / 7) };
        }).ToArray();
        var options = new ForecastComparisonOptions { Folds = 2, FoldLength = 40, IncludeRecurrent = false, CovariateColumnNames = new[] { nameof(CovariatePoint.X) } };

        ComparisonResult result = ml.CompareModels().Forecasting(ml.Data.LoadFromEnumerable(rows), nameof(CovariatePoint.Value), 14, 3, 7, options);
        output.WriteLine(result.ToTable());

        TrialResult naive = result.Trials.Single(t => t.Name.StartsWith("Naive", StringComparison.Ordinal));
        TrialResult fastTree = result.Trials.Single(t => t.Name.StartsWith("FastTree", StringComparison.Ordinal));
        Assert.InRange(naive.Mean, 25, 45);          // |100 (x − x')| averages 100/3 for independent uniforms
        // Misaligned covariates would leave the trees near the naive error; aligned ones cut it by well over half.
        Assert.True(fastTree.Mean < naive.Mean / 2, $"FastTree MAE {fastTree.Mean:F2} vs naive {naive.Mean:F2}");
        Assert.Null(result.BestModel);               // no recurrent candidate ran
    }

    [Fact]
    public void Bad_series_or_too_short_data_throw_naming_the_column_or_row()
    {
        var ml = new MLContext(seed: 1);
        var values = Enumerable.Range(0, 40).Select(i => new Point { Value = i % 7 }).ToArray();
        var options = new ForecastComparisonOptions { Folds = 3, FoldLength = 10 };
        var shortData = Assert.Throws<ArgumentOutOfRangeException>(() =>
            ml.CompareModels().Forecasting(ml.Data.LoadFromEnumerable(values), nameof(Point.Value), 14, 7, 7, options));
        Assert.Contains("'Value' has 40 rows", shortData.Message, StringComparison.Ordinal);

        values = Enumerable.Range(0, 200).Select(i => new Point { Value = i % 7 }).ToArray();
        values[123].Value = float.NaN;
        // The comparison reads the series with the forecaster's own reader, so its error is the forecaster's.
        var nan = Assert.Throws<InvalidOperationException>(() =>
            ml.CompareModels().Forecasting(ml.Data.LoadFromEnumerable(values), nameof(Point.Value), 14, 7, 7, options));
        Assert.Contains("The series column 'Value' is NaN at row 123", nan.Message, StringComparison.Ordinal);

        var missing = Assert.Throws<ArgumentOutOfRangeException>(() =>
            ml.CompareModels().Forecasting(ml.Data.LoadFromEnumerable(values), "Demand", 14, 7, 7, options));
        Assert.Contains("'Demand' was not found", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fold_figures_are_the_backtests_figures_for_the_same_model_and_origins()
    {
        // One walk: each fold of a recurrent candidate is ForecastBacktest's backtest of that fold's origins (fitted once on
        // the rows before the fold), so its MAE, MAPE and MASE are what the public backtest reports on the data cut after the
        // fold's last forecast row.
        const int window = 12, horizon = 4, folds = 2, foldLength = 20, season = 12;
        var ml = new MLContext(seed: 1);
        ForecastEngineTests.Point[] points = ForecastEngineTests.Points(200, 1);
        IDataView data = ml.Data.LoadFromEnumerable(points);
        ComparisonResult Compare(ComparisonMetric metric) => ml.CompareModels().Forecasting(data, nameof(ForecastEngineTests.Point.Value), window, horizon, season,
            new ForecastComparisonOptions
            {
                Folds = folds, FoldLength = foldLength, Metric = metric, IncludeBaselines = false, RefitBest = false,
                SearchSpace = new RecurrentSearchSpace { Cells = new[] { RecurrentCellKind.Lstm }, HiddenSizes = new[] { 8 }, Bidirectional = new[] { false } },
                ConfigureForecaster = o => { o.Epochs = 2; o.MinimumOptimizerSteps = 0; },
            });
        TrialResult mae = Compare(ComparisonMetric.MeanAbsoluteError).Trials.Single();
        TrialResult mape = Compare(ComparisonMetric.MeanAbsolutePercentageError).Trials.Single();
        TrialResult mase = Compare(ComparisonMetric.MeanAbsoluteScaledError).Trials.Single();

        // The forecaster the comparison builds for this configuration (ForecastComparison.Estimator).
        var forecaster = new LstmForecastingOptions
        {
            InputColumnName = nameof(ForecastEngineTests.Point.Value), OutputColumnName = "Forecast", WindowSize = window, Horizon = horizon,
            Network = { Cell = RecurrentCellKind.Lstm, HiddenSize = 8, Layers = 1, Bidirectional = false }, Seed = 1, Epochs = 2, MinimumOptimizerSteps = 0,
        };
        for (int fold = 0; fold < folds; fold++)
        {
            int start = points.Length - (folds - fold) * foldLength;
            ForecastBacktestResult backtest = ForecastBacktest.Run(ml, forecaster, ml.Data.TakeRows(data, start + foldLength + horizon - 1), firstOrigin: start, seasonality: season);
            int origins = Math.Min(foldLength, points.Length - horizon + 1 - start); // the last fold stops where the horizon leaves the data
            Assert.Equal(Enumerable.Range(start, origins), backtest.Forecasts.Select(f => f.Origin).Distinct());
            Assert.Equal(origins * horizon, backtest.Overall.Count);
            Assert.Equal(backtest.Overall.MeanAbsoluteError, mae.FoldMetrics[fold]);
            Assert.Equal(backtest.Overall.MeanAbsolutePercentageError, mape.FoldMetrics[fold]);
            Assert.Equal(backtest.Overall.MeanAbsoluteScaledError, mase.FoldMetrics[fold]);
            output.WriteLine($"fold {fold} (origins {start}..{start + foldLength - 1}): {backtest.Overall}");
        }
        Assert.Equal(mae.FoldMetrics.Average(), mae.Mean);
    }

    private sealed class CovariatePoint
    {
        public float X { get; set; }

        public float Value { get; set; }
    }

    private sealed class Point
    {
        public float Value { get; set; }
    }
}
