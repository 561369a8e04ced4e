using System.Diagnostics;
using System.Globalization;
using LstmMlNet.Forecasting;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LstmMlNet.Comparison;

/// <summary>
/// Forecasting comparisons: a rolling-origin backtest. The last Folds × L rows are cut into Folds consecutive blocks;
/// fold i fits each candidate on every row before its block, then forecasts h steps from each origin t in the block
/// using only rows before t (the history up to the origin is observed, as a forecast engine updated row by row would
/// see it). Every step of every origin whose whole horizon lies inside the data is scored.
/// <para>The walk and the figures are <see cref="ForecastBacktest"/>'s: the recurrent candidates run its backtest of the
/// fold (origins of the block, one fit at the block's start), the baselines its walk over the same origins, and every
/// fold figure is the backtest's overall figure (MASE scaled by the seasonal naive MAE, season max(s, 1), of the rows
/// before the fold). The series is read by the forecaster's own reader.</para>
/// </summary>
internal sealed class ForecastComparison
{
    private const string LagFeatures = "Features";

    private readonly MLContext ml;
    private readonly string valueColumn;
    private readonly int window;
    private readonly int horizon;
    private readonly int seasonality;
    private readonly ForecastComparisonOptions options;
    private readonly ComparisonMetric metric;

    public ForecastComparison(MLContext ml, string valueColumnName, int windowSize, int horizon, int seasonality, ForecastComparisonOptions options)
    {
        this.ml = ml;
        valueColumn = valueColumnName;
        window = windowSize;
        this.horizon = horizon;
        this.seasonality = seasonality;
        this.options = options;
        metric = options.Metric ?? ComparisonMetricFacts.DefaultFor(ComparisonTask.Forecasting);
    }

    public ComparisonResult Run(IDataView data)
    {
        var read = new LstmForecastingOptions { InputColumnName = valueColumn, CovariateColumnNames = options.CovariateColumnNames };
        List<Series> all = SeriesTable.Read(data, read);
        Series series = all.Count > 0 ? all[0] : new Series(string.Empty, Array.Empty<float>(), Array.Empty<float>(), Array.Empty<long>());
        int n = series.Length;
        int k = options.Folds;
        int length = options.FoldLength > 0 ? options.FoldLength : Math.Max(horizon, (int)(0.3 * n / k));
        int firstStart = n - k * length;
        int needed = window + horizon + Math.Max(seasonality, 1);
        if (firstStart < needed)
            throw new ArgumentOutOfRangeException(nameof(data),
                $"The series in '{valueColumn}' has {n} rows; {k} folds of {length} rows leave {firstStart} rows to train the first fold on, " +
                $"but at least {needed} (window {window} + horizon {horizon} + seasonality {Math.Max(seasonality, 1)}) are needed. Use fewer or shorter folds.");
        int[] starts = Enumerable.Range(0, k).Select(i => firstStart + i * length).ToArray();

        var trials = new List<PlannedTrial>();
        var recurrent = new Dictionary<int, RecurrentConfiguration>();
        if (options.IncludeBaselines)
        {
            trials.Add(Rule("Naive (last value)", new Dictionary<string, string> { ["Rule"] = "y[t-1]" }, series, starts, length, NaiveForecast));
            if (seasonality > 1)
                trials.Add(Rule($"Seasonal naive (s={seasonality})", new Dictionary<string, string> { ["Rule"] = "y[t-s]", ["Seasonality"] = seasonality.ToString(CultureInfo.InvariantCulture) },
                    series, starts, length, SeasonalNaiveForecast));
            trials.Add(Trees("FastTree", series, starts, length));
            trials.Add(Trees("LightGbm", series, starts, length));
        }
        foreach (RecurrentConfiguration configuration in options.Configurations())
        {
            recurrent[trials.Count + 1] = configuration;
            trials.Add(new PlannedTrial(configuration.Describe(includePooling: false), CandidateFamily.Recurrent, configuration.ToDictionary(includePooling: false),
                (fold, cancel) => RecurrentFold(configuration, data, starts[fold], length, cancel)));
        }

        ComparisonResult result = TrialRunner.Run(ml, ComparisonTask.Forecasting, metric, options, trials, k);
        TrialResult? bestRecurrent = result.Leaderboard.FirstOrDefault(t => t.Family == CandidateFamily.Recurrent);
        if (options.RefitBest && bestRecurrent is not null)
        {
            options.CancellationToken.ThrowIfCancellationRequested();
            result.BestModel = Estimator(recurrent[bestRecurrent.Index], options.CancellationToken).Fit(data);
            result.BestModelTrial = bestRecurrent;
        }
        return result;
    }

    private PlannedTrial Rule(string name, IReadOnlyDictionary<string, string> configuration, Series series, int[] starts, int length,
        Func<float[], int, int, float> rule) =>
        new(name, CandidateFamily.Baseline, configuration, (fold, cancel) =>
        {
            cancel.ThrowIfCancellationRequested();
            return new FoldOutcome(Score(series, starts[fold], length, (s, t) => Enumerable.Range(1, horizon).Select(step => rule(s.Values, t, step)).ToArray()), 0, 0);
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

    /// <summary>Gradient-boosted trees on lag features, one model per horizon step (direct strategy): features are
    /// y[t−j] − y[t−1] for j = 2..W and the covariates at the target step; the label is y[t+k−1] − y[t−1].</summary>
    private PlannedTrial Trees(string trainer, Series series, int[] starts, int length) =>
        new($"{trainer} on lag features", CandidateFamily.Baseline,
            new Dictionary<string, string> { ["Trainer"] = trainer, ["Lags"] = window.ToString(CultureInfo.InvariantCulture), ["Strategy"] = "direct, one model per step" },
            (fold, cancel) =>
            {
                int start = starts[fold];
                var clock = Stopwatch.StartNew();
                var models = new ITransformer[horizon];
                long leaves = 0;
                float[][] lags = Lags(series, start + length);
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
                double seconds = clock.Elapsed.TotalSeconds;
                var forecasts = new Dictionary<int, float[]>();
                List<int> origins = ForecastBacktest.Origins(new[] { series }, start, start + length, horizon, 1);
                foreach (int t in origins) forecasts[t] = new float[horizon];
                for (int step = 1; step <= horizon; step++)
                {
                    IDataView test = ml.Data.LoadFromEnumerable(origins.Select(t => Lag(series, lags, t, step, withLabel: false)), LagSchema());
                    float[] scores = models[step - 1].Transform(test).GetColumn<float>("Score").ToArray();
                    for (int i = 0; i < origins.Count; i++) forecasts[origins[i]][step - 1] = series.Values[origins[i] - 1] + scores[i];
                }
                return new FoldOutcome(Score(series, start, length, (_, t) => forecasts[t]), seconds, leaves);
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

    private LstmForecastingEstimator Estimator(RecurrentConfiguration configuration, CancellationToken cancel)
    {
        var forecaster = new LstmForecastingOptions();
        options.ConfigureForecaster?.Invoke(forecaster);
        forecaster.InputColumnName = valueColumn;
        forecaster.OutputColumnName = "Forecast";
        forecaster.WindowSize = window;
        forecaster.Horizon = horizon;
        forecaster.CovariateColumnNames = options.CovariateColumnNames;
        configuration.ApplyTo(forecaster.Network, nameof(ForecastComparisonOptions.ConfigureForecaster), "forecaster");
        if (configuration.LearningRate is double rate) forecaster.LearningRate = rate;
        forecaster.Seed = options.Seed;
        forecaster.CancellationToken = cancel;
        return ml.Forecasting.ForecastByLstm(forecaster);
    }

    /// <summary>One fold of a recurrent candidate: <see cref="ForecastBacktest"/>'s backtest of the block's origins, fitted once on
    /// the rows before the block.</summary>
    private FoldOutcome RecurrentFold(RecurrentConfiguration configuration, IDataView data, int start, int length, CancellationToken cancel)
    {
        LstmForecastingEstimator estimator = Estimator(configuration, cancel);
        ForecastBacktestResult backtest = ForecastBacktest.Run(ml, estimator.Options, data, start, start + length, stride: 1, refitEvery: 0, Math.Max(seasonality, 1));
        LstmMlNet.Onnx.ModelRelease.Release(backtest.LastModel); // a fold's model is not kept: release its ONNX session and temporary file
        return new FoldOutcome(Figure(backtest.Overall), backtest.FitSeconds, backtest.LastModel.FitReport.Parameters);
    }

    /// <summary>The metric of a baseline's fold: <see cref="ForecastBacktest"/>'s walk over the block's origins and its figures.</summary>
    private double Score(Series series, int start, int length, Func<Series, int, float[]> forecast) =>
        Figure(ForecastBacktest.PointForecasts(new[] { series }, start, start + length, horizon, Math.Max(seasonality, 1), forecast));

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
