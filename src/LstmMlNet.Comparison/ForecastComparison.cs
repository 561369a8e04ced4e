using System.Diagnostics;
using System.Globalization;
using LstmMlNet.Forecasting;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace LstmMlNet.Comparison;

/// <summary>
/// Forecasting comparisons: a rolling-origin backtest. The last Folds × L rows of every series are cut into Folds
/// consecutive blocks (L given, or from the shortest series); fold i fits each candidate on every row before its block,
/// then forecasts h steps from each origin t in the block using only rows before t (the history up to the origin is
/// observed, as a forecast engine updated row by row would see it). Every step of every origin whose whole horizon lies
/// inside the data is scored.
/// <para>Every candidate reads the same window W and season s: given, or resolved by <c>ForecastByLstm</c>'s own planner
/// (<see cref="ForecastPlanner.SeasonAndWindow"/>) on the rows before the first fold, as a fit of the forecaster on those
/// rows resolves them. The recurrent candidates are given both.</para>
/// <para>The walk and the figures are <see cref="ForecastBacktest"/>'s: the recurrent candidates run its backtest of the
/// fold (origins of the block, one fit of one global model over every series at the block's start), the baselines (per
/// series) its walk over the same origins, and every fold figure is the backtest's overall figure over all series and
/// origins (MASE scaled by the seasonal naive MAE, season max(s, 1), of the rows before the fold, pooled over the series).
/// The series are read by the forecaster's own reader.</para>
/// <para>When naive or seasonal naive ranks first, the refitted model is a <c>ForecastByLstm</c> model that forecasts with
/// that rule alone (<see cref="LstmForecastingOptions.BaselineOnly"/>).</para>
/// </summary>
internal sealed class ForecastComparison
{
    private const string LagFeatures = "Features";
    private const string NaiveName = "Naive (last value)";

    private readonly MLContext ml;
    private readonly string valueColumn;
    private readonly int requestedWindow;
    private readonly int horizon;
    private readonly int requestedSeason;
    private readonly ForecastComparisonOptions options;
    private readonly ComparisonMetric metric;
    private int window;
    private int seasonality;

    /// <param name="ml">The context.</param>
    /// <param name="valueColumnName">The series column.</param>
    /// <param name="windowSize">W, or 0 for the forecaster's automatic window.</param>
    /// <param name="horizon">h.</param>
    /// <param name="seasonality">The season, or 0 to detect it as the forecaster does.</param>
    /// <param name="options">The comparison's options (validated).</param>
    public ForecastComparison(MLContext ml, string valueColumnName, int windowSize, int horizon, int seasonality, ForecastComparisonOptions options)
    {
        this.ml = ml;
        valueColumn = valueColumnName;
        requestedWindow = windowSize;
        this.horizon = horizon;
        requestedSeason = seasonality;
        this.options = options;
        metric = options.Metric ?? ComparisonMetricFacts.DefaultFor(ComparisonTask.Forecasting);
    }

    public ComparisonResult Run(IDataView data)
    {
        LstmForecastingOptions request = ForecasterOptions();
        List<Series> all = SeriesTable.Read(data, request);
        Series shortest = all.Count > 0 ? all.MinBy(s => s.Length)! : new Series(string.Empty, Array.Empty<float>(), Array.Empty<float>(), Array.Empty<long>());
        int n = shortest.Length;
        int k = options.Folds;
        int length = options.FoldLength > 0 ? options.FoldLength : Math.Max(horizon, (int)(0.3 * n / k));
        int firstStart = n - k * length; // positions count from each series' end: the first fold starts at row firstStart + offset
        int[] offsets = ForecastBacktest.Offsets(all, alignEnds: true);
        string given = requestedWindow > 0 ? requestedWindow.ToString(CultureInfo.InvariantCulture) : "≥ 2 (automatic)";
        int least = horizon + Math.Max(requestedWindow, 2) + Math.Max(requestedSeason, 1);
        if (firstStart < least) throw TooShort(all, shortest, length, firstStart, least, given, Math.Max(requestedSeason, 1));

        using (IChannel log = ((IHostEnvironment)ml).Start("ModelComparison"))
        {
            (seasonality, window) = Resolve(request, all, offsets, firstStart, log);
            log.Info(MessageSensitivity.None, string.Create(CultureInfo.InvariantCulture,
                $"Forecasting: {all.Count} series, {k} folds of {length} rows (the last {k * length} rows of each series); every candidate reads window {window} " +
                $"({(request.WindowSize > 0 ? "given" : $"automatic, ForecastByLstm's rule on the {firstStart} rows before the first fold")}) and season {seasonality} " +
                $"({(request.Seasonality > 0 ? "given" : seasonality >= 2 ? "detected as ForecastByLstm detects it" : "none detected")})."));
        }
        int needed = window + horizon + seasonality;
        if (firstStart < needed) throw TooShort(all, shortest, length, firstStart, needed, window.ToString(CultureInfo.InvariantCulture), seasonality);
        int[] starts = Enumerable.Range(0, k).Select(i => firstStart + i * length).ToArray();

        var trials = new List<PlannedTrial>();
        var recurrent = new Dictionary<int, RecurrentConfiguration>();
        var rules = new Dictionary<int, bool>(); // trial index → seasonal (true) or last value (false)
        if (options.IncludeBaselines)
        {
            rules[trials.Count + 1] = false;
            trials.Add(Rule(NaiveName, new Dictionary<string, string> { ["Rule"] = "y[t-1]" }, all, starts, length, NaiveForecast));
            if (seasonality > 1)
            {
                rules[trials.Count + 1] = true;
                trials.Add(Rule($"Seasonal naive (s={seasonality})", new Dictionary<string, string> { ["Rule"] = "y[t-s]", ["Seasonality"] = seasonality.ToString(CultureInfo.InvariantCulture) },
                    all, starts, length, SeasonalNaiveForecast));
            }
            trials.Add(Trees("FastTree", all, offsets, starts, length));
            trials.Add(Trees("LightGbm", all, offsets, starts, length));
        }
        foreach (RecurrentConfiguration configuration in options.Configurations())
        {
            recurrent[trials.Count + 1] = configuration;
            trials.Add(new PlannedTrial(configuration.Describe(includePooling: false), CandidateFamily.Recurrent, configuration.ToDictionary(includePooling: false),
                (fold, cancel) => RecurrentFold(configuration, data, starts[fold], length, cancel), options.DrawsWhileBudgetLasts));
        }

        ComparisonResult result = TrialRunner.Run(ml, ComparisonTask.Forecasting, metric, options, trials, k);
        result.WindowSize = window;
        result.Seasonality = seasonality;
        TrialResult? best = result.Best;
        TrialResult? bestRecurrent = result.Leaderboard.FirstOrDefault(t => t.Family == CandidateFamily.Recurrent);
        if (best is not null && rules.TryGetValue(best.Index, out bool seasonal))
        {
            // A simple rule won: the model returned forecasts with it (a ForecastByLstm model with network weight 0).
            if (options.RefitBest)
            {
                options.CancellationToken.ThrowIfCancellationRequested();
                result.BestModel = SimpleEstimator(seasonal, options.CancellationToken).Fit(data);
                result.BestModelTrial = best;
            }
            result.Remark = $"{best.Name} ranked first: no other candidate forecast better than this simple rule" + (options.RefitBest
                ? "; BestModel is a ForecastByLstm model that forecasts with it alone (network weight 0, FitReport.NetworkWeight), with calibrated bounds."
                : ".");
        }
        else if (options.RefitBest && bestRecurrent is not null)
        {
            options.CancellationToken.ThrowIfCancellationRequested();
            result.BestModel = Estimator(recurrent[bestRecurrent.Index], options.CancellationToken).Fit(data);
            result.BestModelTrial = bestRecurrent;
            if (!ReferenceEquals(best, bestRecurrent))
            {
                int rank = result.Leaderboard.ToList().IndexOf(bestRecurrent) + 1;
                result.Remark = string.Create(CultureInfo.InvariantCulture,
                    $"{best!.Name} ranked first but has no saveable forecasting model: BestModel is the best recurrent forecaster, {bestRecurrent.Name} (rank {rank}), not the winner.");
            }
        }
        else if (best is not null && best.Family != CandidateFamily.Recurrent)
        {
            result.Remark = $"{best.Name} ranked first but has no saveable forecasting model" + (options.RefitBest ? ", and no recurrent candidate completed: BestModel is null." : ".");
        }
        if (result.Remark is not null)
        {
            using IChannel log = ((IHostEnvironment)ml).Start("ModelComparison");
            log.Info(MessageSensitivity.None, result.Remark);
        }
        return result;
    }

    /// <summary>The too-short error: the rows the first fold leaves to train on against what W, h and the season need,
    /// naming the (shortest) series.</summary>
    private ArgumentOutOfRangeException TooShort(List<Series> all, Series shortest, int length, int firstStart, int needed, string w, int s)
    {
        int k = options.Folds;
        string which = all.Count > 1
            ? $"Series {SeriesTable.Describe(shortest)} of '{valueColumn}' (the shortest of {all.Count}) has {shortest.Length} rows; {k} folds of {length} rows (the last {k * length} rows of every series)"
            : $"The series in '{valueColumn}' has {shortest.Length} rows; {k} folds of {length} rows";
        return new ArgumentOutOfRangeException("data",
            $"{which} leave {firstStart} rows to train the first fold on, but at least {needed} (window {w} + horizon {horizon} + seasonality {s}) are needed. " +
            "Use fewer or shorter folds" + (all.Count > 1 ? ", or leave the short series out." : "."));
    }

    /// <summary>The season and window every candidate reads: the given ones, or what a fit of the recurrent candidates'
    /// forecaster (<paramref name="request"/>) on the rows before the first fold resolves (its own planner).</summary>
    private static (int Season, int Window) Resolve(LstmForecastingOptions request, List<Series> all, int[] offsets, int firstStart, IChannel log)
    {
        if (request.WindowSize > 0 && request.Seasonality > 0) return (request.Seasonality, request.WindowSize);
        List<Series> before = all.Select((s, i) => new Series(s.Id, s.Values[..(firstStart + offsets[i])], Array.Empty<float>(), Array.Empty<long>())).ToList();
        return ForecastPlanner.SeasonAndWindow(request, before, log);
    }

    private PlannedTrial Rule(string name, IReadOnlyDictionary<string, string> configuration, List<Series> all, int[] starts, int length,
        Func<float[], int, int, float> rule) =>
        new(name, CandidateFamily.Baseline, configuration, (fold, cancel) =>
        {
            cancel.ThrowIfCancellationRequested();
            return new FoldOutcome(Score(all, starts[fold], length, (s, t) => Enumerable.Range(1, horizon).Select(step => rule(s.Values, t, step)).ToArray()), 0, 0);
        });

    /// <summary>Naive: every step repeats the last observed value y[t−1].</summary>
    private static float NaiveForecast(float[] y, int origin, int step) => y[origin - 1];

    private float SeasonalNaiveForecast(float[] y, int origin, int step)
    {
        // Target index origin + step − 1 (step 1-based); the latest observed value of the same season.
        int target = origin + step - 1;
        int back = seasonality * ((step + seasonality - 1) / seasonality);
        return y[target - back];
    }

    /// <summary>Gradient-boosted trees on lag features, one model per series and horizon step (direct strategy): features
    /// are y[t−j] − y[t−1] for j = 2..W and the covariates at the target step; the label is y[t+k−1] − y[t−1].</summary>
    private PlannedTrial Trees(string trainer, List<Series> all, int[] offsets, int[] starts, int length) =>
        new($"{trainer} on lag features", CandidateFamily.Baseline,
            new Dictionary<string, string> { ["Trainer"] = trainer, ["Lags"] = window.ToString(CultureInfo.InvariantCulture), ["Strategy"] = "direct, one model per step" + (all.Count > 1 ? " and series" : string.Empty) },
            (fold, cancel) =>
            {
                long leaves = 0;
                double seconds = 0;
                List<int> positions = ForecastBacktest.Origins(all, starts[fold], starts[fold] + length, horizon, 1, offsets);
                var forecasts = new Dictionary<string, Dictionary<int, float[]>>(StringComparer.Ordinal);
                for (int i = 0; i < all.Count; i++)
                {
                    Series series = all[i];
                    int start = starts[fold] + offsets[i]; // the block's first row in this series
                    var clock = Stopwatch.StartNew();
                    var models = new ITransformer[horizon];
                    float[][] lags = Lags(series, Math.Min(start + length, series.Length));
                    for (int step = 1; step <= horizon; step++)
                    {
                        cancel.ThrowIfCancellationRequested();
                        var rows = new List<LagRow>();
                        for (int t = window; t + step - 1 < start; t++) rows.Add(Lag(series, lags, t, step, withLabel: true));
                        IDataView train = ml.Data.LoadFromEnumerable(rows, LagSchema());
                        IEstimator<ITransformer> estimator = trainer == "FastTree"
                            ? ml.Regression.Trainers.FastTree(labelColumnName: "Label", featureColumnName: LagFeatures)
                            : ml.Regression.Trainers.LightGbm(labelColumnName: "Label", featureColumnName: LagFeatures);
                        models[step - 1] = estimator.Fit(train);
                        leaves += ParameterCounter.Count(models[step - 1]) ?? 0;
                    }
                    seconds += clock.Elapsed.TotalSeconds;
                    var mine = forecasts[series.Id] = new Dictionary<int, float[]>();
                    int[] origins = positions.Select(p => p + offsets[i]).Where(t => t + horizon <= series.Length).ToArray();
                    foreach (int t in origins) mine[t] = new float[horizon];
                    for (int step = 1; step <= horizon && origins.Length > 0; step++)
                    {
                        IDataView test = ml.Data.LoadFromEnumerable(origins.Select(t => Lag(series, lags, t, step, withLabel: false)), LagSchema());
                        float[] scores = models[step - 1].Transform(test).GetColumn<float>("Score").ToArray();
                        for (int j = 0; j < origins.Length; j++) mine[origins[j]][step - 1] = series.Values[origins[j] - 1] + scores[j];
                    }
                }
                return new FoldOutcome(Score(all, starts[fold], length, (s, t) => forecasts[s.Id][t]), seconds, leaves);
            });

    /// <summary>The lag part of the features of every origin t in [W, <paramref name="end"/>): y[t−j] − y[t−1] for j = 2..W,
    /// computed once per fold and shared by its h steps' rows.</summary>
    private float[][] Lags(Series series, int end)
    {
        float[] y = series.Values;
        var lags = new float[Math.Max(end, window)][];
        for (int t = window; t < end; t++)
        {
            float last = y[t - 1];
            var lag = new float[window - 1];
            for (int j = 2; j <= window; j++) lag[j - 2] = y[t - j] - last;
            lags[t] = lag;
        }
        return lags;
    }

    /// <summary>The row of origin <paramref name="origin"/> for horizon step <paramref name="step"/>: its lags
    /// (<see cref="Lags"/>, shared when there are no covariates) and the covariates at the target step.</summary>
    private LagRow Lag(Series series, float[][] lags, int origin, int step, bool withLabel)
    {
        float[] y = series.Values;
        int covariates = options.CovariateColumnNames.Length;
        float last = y[origin - 1];
        float[] features = lags[origin];
        if (covariates > 0)
        {
            features = new float[window - 1 + covariates];
            lags[origin].CopyTo(features, 0);
            // The series' covariates are step-major: covariate c of row t is Covariates[t·C + c].
            for (int c = 0; c < covariates; c++) features[window - 1 + c] = series.Covariates[(origin + step - 1) * covariates + c];
        }
        return new LagRow { Features = features, Label = withLabel ? y[origin + step - 1] - last : 0 };
    }

    private SchemaDefinition LagSchema()
    {
        SchemaDefinition schema = SchemaDefinition.Create(typeof(LagRow));
        schema[nameof(LagRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, window - 1 + options.CovariateColumnNames.Length);
        return schema;
    }

    private sealed class LagRow
    {
        public float[] Features { get; set; } = Array.Empty<float>();

        public float Label { get; set; }
    }

    /// <summary>The forecaster options every recurrent candidate starts from: <see cref="ForecastComparisonOptions.ConfigureForecaster"/>'s,
    /// then the comparison's columns, horizon and seed, and the given window and season (0 leaves the configured or automatic one).</summary>
    private LstmForecastingOptions ForecasterOptions()
    {
        var forecaster = new LstmForecastingOptions();
        options.ConfigureForecaster?.Invoke(forecaster);
        forecaster.InputColumnName = valueColumn;
        forecaster.OutputColumnName = "Forecast";
        forecaster.Horizon = horizon;
        forecaster.CovariateColumnNames = options.CovariateColumnNames;
        forecaster.SeriesIdColumnName = options.SeriesIdColumnName;
        if (requestedWindow > 0) forecaster.WindowSize = requestedWindow;
        if (requestedSeason > 0) forecaster.Seasonality = requestedSeason;
        forecaster.Seed = options.Seed;
        forecaster.Validate();
        return forecaster;
    }

    /// <summary>A recurrent candidate's forecaster: the comparison's W and season, the configuration's network.</summary>
    private LstmForecastingEstimator Estimator(RecurrentConfiguration configuration, CancellationToken cancel)
    {
        LstmForecastingOptions forecaster = ForecasterOptions();
        forecaster.WindowSize = window;
        forecaster.Seasonality = seasonality;
        configuration.ApplyTo(forecaster.Network, nameof(ForecastComparisonOptions.ConfigureForecaster), "forecaster");
        if (configuration.LearningRate is double rate) forecaster.LearningRate = rate;
        forecaster.CancellationToken = cancel;
        return ml.Forecasting.ForecastByLstm(forecaster);
    }

    /// <summary>The model of a simple winner: a ForecastByLstm fit that trains no network and forecasts with the seasonal
    /// naive forecast (W ≥ s) or the last value alone (<see cref="LstmForecastingOptions.BaselineOnly"/>), bounds calibrated on
    /// that rule's errors over the validation tails. The rule reads no covariates; a transform or scaling that cannot
    /// express it (Difference, Standard, None) is replaced by None and the automatic scaling; the unused network is one unit.</summary>
    internal LstmForecastingEstimator SimpleEstimator(bool seasonal, CancellationToken cancel)
    {
        LstmForecastingOptions forecaster = ForecasterOptions();
        forecaster.BaselineOnly = true;
        forecaster.Baseline = seasonal ? ForecastBaseline.SeasonalNaive : ForecastBaseline.LastValue;
        forecaster.Seasonality = seasonality;
        forecaster.WindowSize = seasonal ? Math.Max(window, seasonality) : window;
        forecaster.CovariateColumnNames = Array.Empty<string>();
        forecaster.PastCovariateColumnNames = Array.Empty<string>();
        if (forecaster.TargetTransform == ForecastTargetTransform.Difference) forecaster.TargetTransform = ForecastTargetTransform.None;
        if (forecaster.Scaling is ForecastScaling.Standard or ForecastScaling.None) forecaster.Scaling = ForecastScaling.Automatic;
        forecaster.Network = new RecurrentNetworkOptions { HiddenSize = 1, Layers = 1, Bidirectional = false };
        forecaster.CancellationToken = cancel;
        return ml.Forecasting.ForecastByLstm(forecaster);
    }

    /// <summary>One fold of a recurrent candidate: <see cref="ForecastBacktest"/>'s backtest of the block's origins (positions
    /// from each series' end), one global model fitted on the rows before the block of every series.</summary>
    private FoldOutcome RecurrentFold(RecurrentConfiguration configuration, IDataView data, int start, int length, CancellationToken cancel)
    {
        LstmForecastingEstimator estimator = Estimator(configuration, cancel);
        ForecastBacktestResult backtest = ForecastBacktest.Run(ml, estimator.Options, data, start, start + length, stride: 1, refitEvery: 0, seasonality, alignEnds: true);
        LstmMlNet.Onnx.ModelRelease.Release(backtest.LastModel); // a fold's model is not kept: release its ONNX session and temporary file
        return new FoldOutcome(Figure(backtest.Overall), backtest.FitSeconds, backtest.LastModel.FitReport.Parameters);
    }

    /// <summary>The metric of a baseline's fold: <see cref="ForecastBacktest"/>'s walk over the block's origins of every
    /// series (positions from each series' end) and its figures, pooled over the series.</summary>
    private double Score(List<Series> all, int start, int length, Func<Series, int, float[]> forecast) =>
        Figure(ForecastBacktest.PointForecasts(all, start, start + length, horizon, seasonality, forecast, alignEnds: true));

    /// <summary>The ranked metric among a backtest's figures (MAPE over the non-zero actuals, as backtests report it).</summary>
    private double Figure(BacktestMetrics figures) => metric switch
    {
        ComparisonMetric.RootMeanSquaredError => figures.RootMeanSquaredError,
        ComparisonMetric.SymmetricMeanAbsolutePercentageError => figures.SymmetricMeanAbsolutePercentageError,
        ComparisonMetric.MeanAbsolutePercentageError => figures.MeanAbsolutePercentageError,
        ComparisonMetric.MeanAbsoluteScaledError => figures.MeanAbsoluteScaledError,
        _ => figures.MeanAbsoluteError,
    };
}
