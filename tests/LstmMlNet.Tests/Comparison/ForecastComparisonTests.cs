using LstmMlNet.Comparison;
using LstmMlNet.Engine;
using LstmMlNet.Forecasting;
using LstmMlNet.Tests.Forecasting;
using LstmMlNet.Tests.Infrastructure;
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
            InputColumnName = nameof(ForecastEngineTests.Point.Value), OutputColumnName = "Forecast", WindowSize = window, Seasonality = season, Horizon = horizon,
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

    [Fact]
    public void Automatic_window_and_season_are_what_ForecastByLstm_resolves_on_the_rows_before_the_first_fold()
    {
        const int horizon = 3, folds = 2, foldLength = 20;
        var ml = new MLContext(seed: 1);
        ForecastEngineTests.Point[] points = ForecastEngineTests.Points(240, 3); // period 12, trend, noise
        IDataView data = ml.Data.LoadFromEnumerable(points);
        ComparisonResult result = ml.CompareModels().Forecasting(data, nameof(ForecastEngineTests.Point.Value), horizon: horizon, new ForecastComparisonOptions
        {
            Folds = folds, FoldLength = foldLength,
            SearchSpace = new RecurrentSearchSpace { Cells = new[] { RecurrentCellKind.Lstm }, HiddenSizes = new[] { 4 }, Bidirectional = new[] { false } },
            ConfigureForecaster = o => { o.Epochs = 2; o.MinimumOptimizerSteps = 0; },
        });
        output.WriteLine(result.ToTable());

        // The forecaster's own plan of a fit on the rows before the first fold (automatic window and season).
        int firstStart = points.Length - folds * foldLength;
        var forecaster = new LstmForecastingOptions
        {
            InputColumnName = nameof(ForecastEngineTests.Point.Value), OutputColumnName = "Forecast", Horizon = horizon, Seed = 1, Epochs = 2, MinimumOptimizerSteps = 0,
            Network = { Cell = RecurrentCellKind.Lstm, HiddenSize = 4, Layers = 1, Bidirectional = false },
        };
        LstmForecastingTransformer first = ml.Forecasting.ForecastByLstm(forecaster).Fit(ml.Data.TakeRows(data, firstStart));
        using (Released.After(first))
        {
            Assert.Equal(12, first.FitReport.Seasonality);
            Assert.Equal(first.FitReport.WindowSize, result.WindowSize);
            Assert.Equal(first.FitReport.Seasonality, result.Seasonality);
        }
        Assert.Contains("Every candidate read window " + result.WindowSize + " and season 12.", result.ToTable(), StringComparison.Ordinal);
        Assert.Equal(new[] { "Naive (last value)", "Seasonal naive (s=12)", "FastTree on lag features", "LightGbm on lag features", "Lstm H4 L1" },
            result.Trials.Select(t => t.Name));
        Assert.All(result.Trials, t => Assert.Equal(TrialStatus.Completed, t.Status));
        Assert.Equal(result.WindowSize.ToString(), result.Trials[2].Configuration["Lags"]);

        // The recurrent candidate read the same W and season: its first fold is the backtest of a forecaster given them.
        forecaster.WindowSize = result.WindowSize!.Value;
        forecaster.Seasonality = result.Seasonality!.Value;
        ForecastBacktestResult backtest = ForecastBacktest.Run(ml, forecaster, ml.Data.TakeRows(data, firstStart + foldLength + horizon - 1), firstOrigin: firstStart, seasonality: 12);
        using (Released.After(backtest.LastModel))
            Assert.Equal(backtest.Overall.MeanAbsoluteError, result.Trials[4].FoldMetrics[0]);

        // The lag-feature trees rank first here (measured: LightGbm MAE 0.571, FastTree 0.586, the 2-epoch LSTM 1.008); they
        // have no saveable forecasting model, so the model returned is the best recurrent one, with the same W and season,
        // and the result says it is not the winner.
        Assert.EndsWith("on lag features", result.Best!.Name, StringComparison.Ordinal);
        Assert.Same(result.Trials[4], result.BestModelTrial);
        var model = Assert.IsType<LstmForecastingTransformer>(result.BestModel);
        using var release = Released.After(model);
        Assert.Equal(result.WindowSize, model.FitReport.WindowSize);
        Assert.Equal(result.Seasonality, model.FitReport.Seasonality);
        Assert.True(model.FitReport.BestEpoch > 0); // a trained network, not a model of the baseline alone
        Assert.Contains("BestModel is the best recurrent forecaster, Lstm H4 L1 (rank 3), not the winner.", result.Remark, StringComparison.Ordinal);
    }

    [Fact]
    public void A_panel_is_backtested_over_each_series_last_rows_and_a_seasonal_naive_winner_is_returned_as_a_model_that_forecasts_it()
    {
        // Three exactly periodic series (period 7) of different lengths and levels: seasonal naive forecasts them without
        // error, which nothing can beat (a recurrent model that ties ranks after it).
        const int horizon = 3, folds = 2, foldLength = 14;
        var ml = new MLContext(seed: 1);
        var random = new Random(7);
        var lengths = new Dictionary<string, int> { ["a"] = 120, ["b"] = 141, ["c"] = 163 };
        var panel = lengths.ToDictionary(p => p.Key, p =>
        {
            float[] pattern = Enumerable.Range(0, 7).Select(_ => 50f + 100f * (float)random.NextDouble()).ToArray();
            float level = p.Key == "b" ? 10f : 1f;
            return Enumerable.Range(0, p.Value).Select(t => level * pattern[t % 7]).ToArray();
        });
        IDataView data = ml.Data.LoadFromEnumerable(panel.SelectMany(p => p.Value.Select(v => new ForecastEngineTests.Point { Series = p.Key, Value = v })));
        ComparisonResult result = ml.CompareModels().Forecasting(data, nameof(ForecastEngineTests.Point.Value), horizon: horizon, new ForecastComparisonOptions
        {
            Folds = folds, FoldLength = foldLength, SeriesIdColumnName = nameof(ForecastEngineTests.Point.Series),
            SearchSpace = new RecurrentSearchSpace { Cells = new[] { RecurrentCellKind.Lstm }, HiddenSizes = new[] { 4 }, Bidirectional = new[] { false } },
            ConfigureForecaster = o => { o.Epochs = 1; o.MinimumOptimizerSteps = 0; },
        });
        output.WriteLine(result.ToTable());
        Assert.All(result.Trials, t => Assert.Equal(TrialStatus.Completed, t.Status));
        Assert.Equal(7, result.Seasonality);

        // Every fold figure pools the series: the naive rule's MAE over every series' own last blocks (each series' pairs
        // counted once), which is the per-series MAEs weighted by their pairs.
        for (int fold = 0; fold < folds; fold++)
        {
            double sum = 0;
            int pairs = 0;
            var perSeries = new List<(double Mae, int Pairs)>();
            foreach (float[] y in panel.Values)
            {
                int start = y.Length - (folds - fold) * foldLength;
                double mine = 0;
                int count = 0;
                for (int t = start; t < start + foldLength && t + horizon <= y.Length; t++)
                    for (int k = 1; k <= horizon; k++) { mine += Math.Abs(y[t + k - 1] - y[t - 1]); count++; }
                perSeries.Add((mine / count, count));
                sum += mine;
                pairs += count;
            }
            Assert.Equal(sum / pairs, result.Trials[0].FoldMetrics[fold], 6);
            Assert.Equal(perSeries.Sum(x => x.Mae * x.Pairs) / perSeries.Sum(x => x.Pairs), result.Trials[0].FoldMetrics[fold], 6);
        }

        // Seasonal naive wins; the model returned forecasts every series with it (one global ForecastByLstm model, α = 0).
        TrialResult seasonal = result.Trials[1];
        Assert.Equal("Seasonal naive (s=7)", seasonal.Name);
        Assert.Same(seasonal, result.Best);
        Assert.Equal(0, seasonal.Mean);
        Assert.Same(seasonal, result.BestModelTrial);
        Assert.StartsWith("Seasonal naive (s=7) ranked first", result.Remark, StringComparison.Ordinal);
        var model = Assert.IsType<LstmForecastingTransformer>(result.BestModel);
        using var release = Released.After(model);
        Assert.Equal(0f, model.FitReport.NetworkWeight);
        Assert.Equal(7, model.FitReport.SeasonalBaselinePeriod);
        foreach (var (id, y) in panel)
            AssertForecasts(ml, model, y, id, (origin, step) => y[origin + step - 1 - 7 * ((step + 6) / 7)]);
    }

    [Fact]
    public void On_a_random_walk_naive_wins_and_the_model_returned_forecasts_the_last_value_with_calibrated_bounds()
    {
        var ml = new MLContext(seed: 1);
        var random = new Random(11);
        float level = 100;
        float[] walk = Enumerable.Range(0, 300).Select(_ => level += (float)(random.NextDouble() * 2 - 1)).ToArray();
        IDataView data = ml.Data.LoadFromEnumerable(walk.Select(v => new Point { Value = v }));
        ComparisonResult result = ml.CompareModels().Forecasting(data, nameof(Point.Value), horizon: 4, new ForecastComparisonOptions
        {
            Folds = 2, FoldLength = 30,
            SearchSpace = new RecurrentSearchSpace { Cells = new[] { RecurrentCellKind.Lstm }, HiddenSizes = new[] { 4 }, Bidirectional = new[] { false } },
            ConfigureForecaster = o => { o.Epochs = 2; o.MinimumOptimizerSteps = 0; },
        });
        output.WriteLine(result.ToTable());
        output.WriteLine(result.Remark);

        Assert.Equal(1, result.Seasonality); // no season in a random walk: no seasonal naive trial
        Assert.DoesNotContain(result.Trials, t => t.Name.StartsWith("Seasonal", StringComparison.Ordinal));
        Assert.Equal("Naive (last value)", result.Best!.Name);
        Assert.Same(result.Best, result.BestModelTrial);
        Assert.StartsWith("Naive (last value) ranked first: no other candidate forecast better", result.Remark, StringComparison.Ordinal);
        Assert.Contains(result.Remark!, result.ToTable(), StringComparison.Ordinal);
        var model = Assert.IsType<LstmForecastingTransformer>(result.BestModel);
        using var release = Released.After(model);
        Assert.Equal(0f, model.FitReport.NetworkWeight);
        Assert.Equal(0, model.FitReport.BestEpoch);   // no network was trained
        Assert.Empty(model.FitReport.History);
        Assert.Equal(0, model.FitReport.SeasonalBaselinePeriod);
        Assert.Equal(result.WindowSize, model.WindowSize);
        AssertForecasts(ml, model, walk, null, (origin, _) => walk[origin - 1]);
        // Calibrated bounds: the naive errors of the validation tail give them a width, wider further ahead on a random walk.
        var widths = ml.Data.CreateEnumerable<ForecastRow>(model.Forecast(), reuseRowObject: false).Select(r => r.UpperBound - r.LowerBound).ToArray();
        Assert.All(widths, width => Assert.True(width > 0));
        Assert.True(widths[^1] > widths[0], $"bounds' widths {string.Join(", ", widths)}");
    }

    [Fact]
    public void Panel_errors_name_the_short_series_and_the_unknown_id_column()
    {
        var ml = new MLContext(seed: 1);
        var rows = new[] { ("long", 200), ("short", 36) }
            .SelectMany(p => Enumerable.Range(0, p.Item2).Select(t => new ForecastEngineTests.Point { Series = p.Item1, Value = t % 7 + 0.1f * t })).ToArray();
        IDataView data = ml.Data.LoadFromEnumerable(rows);
        var options = new ForecastComparisonOptions { Folds = 3, FoldLength = 10, SeriesIdColumnName = nameof(ForecastEngineTests.Point.Series) };
        var tooShort = Assert.Throws<ArgumentOutOfRangeException>(() => ml.CompareModels().Forecasting(data, nameof(ForecastEngineTests.Point.Value), horizon: 7, options));
        output.WriteLine(tooShort.Message);
        Assert.Contains("Series 'short' of 'Value' (the shortest of 2) has 36 rows; 3 folds of 10 rows (the last 30 rows of every series) leave 6 rows", tooShort.Message, StringComparison.Ordinal);

        options.SeriesIdColumnName = "Store";
        var unknown = Assert.Throws<ArgumentOutOfRangeException>(() => ml.CompareModels().Forecasting(data, nameof(ForecastEngineTests.Point.Value), horizon: 7, options));
        Assert.Contains("'Store' was not found", unknown.Message, StringComparison.Ordinal);

        Assert.Throws<ArgumentOutOfRangeException>(() => ml.CompareModels().Forecasting(data, nameof(ForecastEngineTests.Point.Value), windowSize: 1, horizon: 7));
        Assert.Throws<ArgumentOutOfRangeException>(() => ml.CompareModels().Forecasting(data, nameof(ForecastEngineTests.Point.Value), windowSize: 0, horizon: 7, seasonality: -1));
    }

    /// <summary>A simple winner's model forecasts with its rule (<paramref name="rule"/>: origin, step 1..h → value, to
    /// 1e-4 relative) everywhere: <c>model.Forecast()</c> from the series' end (bounds around it, calibrated: not all of zero
    /// width unless the rule was exact), <c>Transform</c> on every row with a full window, and the saved ONNX model
    /// reloaded by <c>ml.Model.Load</c>.</summary>
    private static void AssertForecasts(MLContext ml, LstmForecastingTransformer model, float[] y, string? id, Func<int, int, float> rule)
    {
        int w = model.WindowSize, h = model.Horizon, n = y.Length;
        static void Near(float expected, float actual, string what) =>
            Assert.True(Math.Abs(expected - actual) <= 1e-4 * Math.Max(1, Math.Abs(expected)), $"{what}: {actual:R}, the rule {expected:R}");

        var forecast = ml.Data.CreateEnumerable<ForecastRow>(model.Forecast(seriesIds: id is null ? null : new[] { id }), reuseRowObject: false).ToList();
        Assert.Equal(h, forecast.Count);
        foreach (ForecastRow row in forecast)
        {
            Near(rule(n, row.Step), row.Forecast, $"Forecast() step {row.Step}");
            Assert.InRange(row.Forecast, row.LowerBound, row.UpperBound);
        }

        var series = y.Select(v => new ForecastEngineTests.Point { Series = id ?? "a", Value = v }).ToArray();
        var scored = ml.Data.CreateEnumerable<ForecastEngineTests.ForecastOutput>(model.Transform(ml.Data.LoadFromEnumerable(series)), reuseRowObject: false).ToArray();
        for (int t = w; t + h <= n; t++)
            for (int k = 1; k <= h; k++) Near(rule(t, k), scored[t].Forecast[k - 1], $"Transform row {t} step {k}");

        var (_, loaded) = SavedModel.LoadInNewContext(ml, model, model.ScoringInputSchema);
        using var release = Released.After(loaded);
        using var engine = ml.Model.CreatePredictionEngine<LstmForecastInput, ForecastEngineTests.ForecastOutput>(loaded, inputSchemaDefinition: model.ScoringInputSchemaDefinition);
        foreach (int t in new[] { w, n / 2, n })
        {
            float[] saved = engine.Predict(new LstmForecastInput { Window = y[(t - w)..t] }).Forecast;
            for (int k = 1; k <= h; k++) Near(rule(t, k), saved[k - 1], $"saved model, origin {t} step {k}");
        }
    }

    private sealed class ForecastRow
    {
        public int Step { get; set; }

        public float Forecast { get; set; }

        public float LowerBound { get; set; }

        public float UpperBound { get; set; }
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
