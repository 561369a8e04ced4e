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
        float[] y = ReadColumn(data, valueColumn, "series");
        float[][] covariates = options.CovariateColumnNames.Select(c => ReadColumn(data, c, "covariate")).ToArray();
        int n = y.Length;
        int k = options.Folds;
        int length = options.FoldLength > 0 ? options.FoldLength : Math.Max(horizon, (int)(0.3 * n / k));
        int firstStart = n - k * length;
        int needed = window + horizon + Math.Max(seasonality, 1);
        if (firstStart < needed)
            throw new ArgumentOutOfRangeException(nameof(data),
                $"The series in '{valueColumn}' has {n} rows; {k} folds of {length} rows leave {firstStart} rows to train the first fold on, " +
                $"but at least {needed} (window {window} + horizon {horizon} + seasonality {Math.Max(seasonality, 1)}) are needed. Use fewer or shorter folds.");
        int[] starts = Enumerable.Range(0, k).Select(i => firstStart + i * length).ToArray();
        var series = new Series(y, covariates);

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
                (fold, cancel) => RecurrentFold(configuration, data, series, starts[fold], length, cancel)));
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

    private float[] ReadColumn(IDataView data, string column, string role)
    {
        DataViewSchema.Column c = data.Schema.GetColumnOrNull(column)
            ?? throw new ArgumentOutOfRangeException(nameof(column), $"The {role} column '{column}' was not found in the data.");
        if (c.Type != NumberDataViewType.Single)
            throw new ArgumentOutOfRangeException(nameof(column), $"The {role} column '{column}' must be Single, but is {c.Type}.");
        float[] values = data.GetColumn<float>(column).ToArray();
        for (int i = 0; i < values.Length; i++)
            if (!float.IsFinite(values[i]))
                throw new InvalidDataException($"The {role} column '{column}' holds {values[i]} at row {i}; a backtest needs every value finite (fill gaps first).");
        return values;
    }

    private sealed record Series(float[] Y, float[][] Covariates);

    private PlannedTrial Rule(string name, IReadOnlyDictionary<string, string> configuration, Series series, int[] starts, int length,
        Func<float[], int, int, float> rule) =>
        new(name, CandidateFamily.Baseline, configuration, (fold, cancel) =>
        {
            cancel.ThrowIfCancellationRequested();
            int start = starts[fold];
            return new FoldOutcome(Score(series.Y, start, length, (t, step) => rule(series.Y, t, step)), 0, 0);
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
                for (int step = 1; step <= horizon; step++)
                {
                    cancel.ThrowIfCancellationRequested();
                    var rows = new List<LagRow>();
                    for (int t = window; t + step - 1 < start; t++) rows.Add(Lag(series, t, step, withLabel: true));
                    IDataView train = ml.Data.LoadFromEnumerable(rows, LagSchema(series));
                    IEstimator<ITransformer> estimator = trainer == "FastTree"
                        ? ml.Regression.Trainers.FastTree(labelColumnName: "Label", featureColumnName: LagFeatures)
                        : ml.Regression.Trainers.LightGbm(labelColumnName: "Label", featureColumnName: LagFeatures);
                    models[step - 1] = estimator.Fit(train);
                    leaves += ParameterCounter.Count(models[step - 1]) ?? 0;
                }
                double seconds = clock.Elapsed.TotalSeconds;
                var forecasts = new Dictionary<(int, int), float>();
                for (int step = 1; step <= horizon; step++)
                {
                    var origins = Enumerable.Range(start, length).Where(t => t + horizon - 1 < series.Y.Length).ToArray();
                    IDataView test = ml.Data.LoadFromEnumerable(origins.Select(t => Lag(series, t, step, withLabel: false)), LagSchema(series));
                    float[] scores = models[step - 1].Transform(test).GetColumn<float>("Score").ToArray();
                    for (int i = 0; i < origins.Length; i++) forecasts[(origins[i], step)] = series.Y[origins[i] - 1] + scores[i];
                }
                return new FoldOutcome(Score(series.Y, start, length, (t, step) => forecasts[(t, step)]), seconds, leaves);
            });

    private LagRow Lag(Series series, int origin, int step, bool withLabel)
    {
        float[] y = series.Y;
        float last = y[origin - 1];
        var features = new float[window - 1 + series.Covariates.Length];
        for (int j = 2; j <= window; j++) features[j - 2] = y[origin - j] - last;
        for (int c = 0; c < series.Covariates.Length; c++) features[window - 1 + c] = series.Covariates[c][origin + step - 1];
        return new LagRow { Features = features, Label = withLabel ? y[origin + step - 1] - last : 0 };
    }

    private SchemaDefinition LagSchema(Series series)
    {
        SchemaDefinition schema = SchemaDefinition.Create(typeof(LagRow));
        schema[nameof(LagRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, window - 1 + series.Covariates.Length);
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
        configuration.ApplyTo(forecaster.Network);
        if (configuration.LearningRate is double rate) forecaster.LearningRate = rate;
        forecaster.Seed = options.Seed;
        forecaster.CancellationToken = cancel;
        return ml.Forecasting.ForecastByLstm(forecaster);
    }

    private FoldOutcome RecurrentFold(RecurrentConfiguration configuration, IDataView data, Series series, int start, int length, CancellationToken cancel)
    {
        LstmForecastingEstimator estimator = Estimator(configuration, cancel);
        var clock = Stopwatch.StartNew();
        LstmForecastingTransformer model = estimator.Fit(ml.Data.TakeRows(data, start));
        double seconds = clock.Elapsed.TotalSeconds;
        // Row t of the transformed data holds the h-step forecast made from the W rows before t.
        float[][] forecasts = model.Transform(data).GetColumn<float[]>("Forecast").ToArray();
        return new FoldOutcome(Score(series.Y, start, length, (t, step) => forecasts[t][step - 1]), seconds, model.FitReport.Parameters);
    }

    /// <summary>The metric over every step of every origin in a fold's block whose whole horizon lies inside the data.</summary>
    private double Score(float[] y, int start, int length, Func<int, int, float> forecast)
    {
        var actual = new List<float>();
        var predicted = new List<float>();
        for (int t = start; t < start + length && t + horizon - 1 < y.Length; t++)
            for (int step = 1; step <= horizon; step++)
            {
                actual.Add(y[t + step - 1]);
                predicted.Add(forecast(t, step));
            }
        return metric switch
        {
            ComparisonMetric.RootMeanSquaredError => ForecastMetrics.RootMeanSquaredError(actual, predicted),
            ComparisonMetric.SymmetricMeanAbsolutePercentageError => ForecastMetrics.SymmetricMeanAbsolutePercentageError(actual, predicted),
            ComparisonMetric.MeanAbsolutePercentageError => ForecastMetrics.MeanAbsolutePercentageErrorOfNonZero(actual, predicted).Mape, // zeros left out, as backtests do
            ComparisonMetric.MeanAbsoluteScaledError => ForecastMetrics.MeanAbsoluteScaledError(actual, predicted, y.Take(start).ToArray(), Math.Max(seasonality, 1)),
            _ => ForecastMetrics.MeanAbsoluteError(actual, predicted),
        };
    }
}
