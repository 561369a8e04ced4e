namespace LstmMlNet;

/// <summary>
/// Options of <see cref="LstmForecastingEstimator"/> (<c>ml.Forecasting.ForecastByLstm</c>). The network reads a window
/// of the last <see cref="WindowSize"/> values (and, with covariates, their values over the window and the horizon) and
/// outputs all <see cref="Horizon"/> future values at once (direct multi-horizon forecasting). Defaults: one LSTM layer of
/// 64 units (<see cref="Network"/>), seasonal-change scaling (window-mean with covariates), the season detected and the window derived from it, the seasonal naive forecast as
/// the baseline where it is the better one, absolute-error loss, 60 epochs of at most <see cref="WindowsPerEpoch"/> windows
/// at learning rate 1e-3 (more for short series: at least
/// <see cref="MinimumOptimizerSteps"/> optimiser steps), the validation tail used to report the validation loss, to
/// choose the epoch when it is long enough (<see cref="ModelSelection"/>) and to calibrate the bounds.
/// </summary>
public sealed class LstmForecastingOptions : TrainingOptions
{
    /// <summary>Creates options with the forecasting defaults: 60 epochs, batch 32, learning rate 1e-3, no weight decay
    /// for a univariate model and <see cref="CovariateWeightDecay"/> 1e-3 for a model with covariates, no validation
    /// fraction (validation is the <see cref="ValidationTailLength"/> tail of every series), and the model selection of
    /// <see cref="ModelSelection"/> (Automatic: the best validation epoch, stopping after
    /// <see cref="TrainingOptions.EarlyStoppingPatience"/> 10 epochs without improvement, when the tails are long enough to
    /// choose on; the last epoch otherwise). <see cref="TrainingOptions.RestoreBestWeights"/> is not read by the forecaster.</summary>
    public LstmForecastingOptions()
    {
        Epochs = Defaults.Epochs;
        LearningRate = Defaults.LearningRate;
        EarlyStoppingPatience = Defaults.EarlyStoppingPatience;
        RestoreBestWeights = false; // not read: ModelSelection decides
        ValidationFraction = 0;
    }

    /// <summary>The forecaster's defaults, read by these options and by the flat overload of
    /// <see cref="Microsoft.ML.ForecastingCatalogExtensions"/> alike (ML.NET's <c>Options.Defaults</c>).</summary>
    internal static class Defaults
    {
        public const string OutputColumnName = "Forecast";
        public const string ConfidenceLowerBoundColumn = "LowerBound";
        public const string ConfidenceUpperBoundColumn = "UpperBound";
        public const float ConfidenceLevel = 0.95f;
        public const RecurrentCellKind Cell = RecurrentCellKind.Lstm;
        public const int HiddenSize = 64;
        public const int Layers = 1;
        public const bool Bidirectional = false;
        public const double Dropout = 0;
        public const int Epochs = 60;
        public const double LearningRate = 1e-3;
        public const int EarlyStoppingPatience = 10;
        /// <summary>What <see cref="Network"/> reports for the members nobody set.</summary>
        public static readonly NetworkDefaults Network = new(Cell, HiddenSize, Layers, Bidirectional, Dropout);
    }

    /// <summary>Output column: the forecast, a vector of <see cref="Horizon"/> Single. Default "Forecast".</summary>
    public string OutputColumnName { get; set; } = Defaults.OutputColumnName;

    /// <summary>The series column: Single, one observation per row, rows in time order. Required.</summary>
    public string InputColumnName { get; set; } = string.Empty;

    /// <summary>Column for the lower confidence bounds (vector of <see cref="Horizon"/> Single). Default "LowerBound".</summary>
    public string ConfidenceLowerBoundColumn { get; set; } = Defaults.ConfidenceLowerBoundColumn;

    /// <summary>Column for the upper confidence bounds (vector of <see cref="Horizon"/> Single). Default "UpperBound".</summary>
    public string ConfidenceUpperBoundColumn { get; set; } = Defaults.ConfidenceUpperBoundColumn;

    /// <summary>Number of past observations the network reads, W ≥ 2, or 0 (default) to derive it from the data: with a
    /// season of P steps (<see cref="Seasonality"/>, declared or detected) W = P·max(2, ⌈h / P⌉ + 1) — two seasons, and
    /// one season more than the horizon spans; without a season W = max(2h, 16). Data that give at least 50,000 training
    /// windows at that W (a panel: M4 hourly's 414 series give 233,534) read 4 horizons instead when that is longer, in
    /// whole seasons (without a season 4h): M4 hourly at h 48 reads 186 hours (192, capped) and forecast with OWA 0.409
    /// against 0.502 at 72, while one long series forecast worse with the longer window. In every case at most a third
    /// of the shortest series' training part, so every series still gives windows to learn from (a season longer than
    /// that is then not used). The rule and the W chosen are written to the log and to
    /// <see cref="ForecastFitReport.WindowSize"/>.</summary>
    public int WindowSize { get; set; }

    /// <summary>Season length P in steps (24 for hourly data with a daily cycle, 7 for daily data with a weekly one,
    /// 12 for monthly data), 1 for a series without a season, or 0 (default) to detect it from the training part of the
    /// series (the autocorrelation of their first differences, M4's 90% test; see the README). It sets the automatic
    /// <see cref="WindowSize"/> and, with <see cref="Baseline"/>, the forecast the network corrects.</summary>
    public int Seasonality { get; set; }

    /// <summary>The forecast the network corrects (what it forecasts untrained). Default
    /// <see cref="ForecastBaseline.Automatic"/>: the seasonal naive forecast when there is a season (P ≥ 2, W ≥ P,
    /// levels rather than <see cref="ForecastTargetTransform.Difference"/>) and its h-step errors over the training parts
    /// of the series are lower than those of the last value; otherwise the last value.</summary>
    public ForecastBaseline Baseline { get; set; } = ForecastBaseline.Automatic;

    /// <summary>With a season (P ≥ 2, W ≥ P, not <see cref="ForecastTargetTransform.Difference"/>), each future step also
    /// reads the window's values at its phase of the season in each of the last ⌊W / P⌋ seasons (at most
    /// <see cref="MaximumSeasonalInputs"/>): the same hour on the previous days, the same month in previous years. They
    /// reach the step's forecast through the recurrent path and through a linear step skip, so a weighted average of past
    /// seasons is one linear map away. Default true.</summary>
    public bool SeasonalInputs { get; set; } = true;

    /// <summary>Most past seasons a future step reads with <see cref="SeasonalInputs"/>.</summary>
    public const int MaximumSeasonalInputs = 7;

    /// <summary>Training loss over the scaled targets. Default <see cref="ForecastLoss.AbsoluteError"/>.</summary>
    public ForecastLoss Loss { get; set; } = ForecastLoss.AbsoluteError;

    /// <summary>Training windows drawn for one epoch when the series hold more (a fresh uniform draw over all training
    /// windows of all series each epoch, seeded, without replacement within the epoch); 0 = every window every epoch.
    /// Default 8192: a global model over hundreds of series costs what its epochs cost, not what the data holds, while a
    /// single series of a few thousand rows trains on all its windows.</summary>
    public int WindowsPerEpoch { get; set; } = 8192;

    /// <summary>Number of future steps forecast at once, h ≥ 1. Required (default 0 is invalid).</summary>
    public int Horizon { get; set; }

    /// <summary>Coverage the bounds are calibrated for, in (0, 1). Default 0.95.</summary>
    public float ConfidenceLevel { get; set; } = Defaults.ConfidenceLevel;

    /// <summary>The unit the bounds are calibrated in (each window's errors divided by its σ). Default
    /// <see cref="ForecastIntervalScale.SeasonalChange"/>: the window's in-sample seasonal-naive error, which follows how much
    /// the series moves rather than its level.</summary>
    public ForecastIntervalScale IntervalScale { get; set; } = ForecastIntervalScale.SeasonalChange;

    /// <summary>How the bounds follow the errors seen after Fit. Default <see cref="ForecastIntervalMethod.Adaptive"/>: the
    /// forecast engine and <see cref="ForecastBacktest"/> widen the bounds after misses and narrow them after hits so that
    /// long-run coverage holds when the series drifts; <see cref="ForecastIntervalMethod.SplitConformal"/> keeps Fit's
    /// half-widths.</summary>
    public ForecastIntervalMethod IntervalMethod { get; set; } = ForecastIntervalMethod.Adaptive;

    /// <summary>Step size γ of the adaptive bounds (<see cref="ForecastIntervalMethod.Adaptive"/>), in (0, 1]: after each
    /// scored forecast a horizon step's half-width is multiplied by exp(γ·(err − α)) — by e^{0.95γ} after a miss of 95%
    /// bounds, by e^{−0.05γ} after a hit. Larger follows a change sooner and jitters more. Default 0.05: a threefold change
    /// of the error level is caught up after about 23 misses.</summary>
    public double IntervalAdaptationRate { get; set; } = 0.05;

    /// <summary>Optional column naming the series of each row (Text or a number). When set, one global model is trained
    /// over all series (each series' rows in time order, series interleaved or not) and forecasts are per series.
    /// Default null: the whole column is one series.</summary>
    public string? SeriesIdColumnName { get; set; }

    /// <summary>Covariate columns (Single), known in the future: calendar features, planned prices, weather forecasts.
    /// A forecast needs their values over the window and the horizon. They are standardised with their training mean and
    /// deviation; with the window scalings (all but Standard and None, and no <see cref="ForecastTargetTransform.Difference"/>)
    /// they enter as their change since the window's last step, as the series enters relative to its last value. Besides
    /// the recurrent path, a linear path takes each future step's covariates to that step's forecast. Default none.</summary>
    public string[] CovariateColumnNames { get; set; } = Array.Empty<string>();

    /// <summary>Past covariate columns (Single), observed only up to the forecast origin: other sensors, drivers known
    /// after the fact, the series of related quantities. A forecast reads their values over the window's W steps only (the
    /// future steps get zeros there), so the model can use their recent values and lags, never their future. They are
    /// standardised with their training mean and deviation and, like <see cref="CovariateColumnNames"/>, enter as their
    /// change since the window's last step under the window scalings. The forecast engine's <c>Update</c> takes their value
    /// with each observation; the scoring model reads them from <see cref="LstmForecastInput.PastCovariates"/>. Default none.</summary>
    public string[] PastCovariateColumnNames { get; set; } = Array.Empty<string>();

    /// <summary>Optional DateTime column with the time of each row; the model then derives calendar inputs from it
    /// (<see cref="CalendarFeatures"/>), for the window and the future steps alike: the same arithmetic in training, in the
    /// saved ONNX model (which reads the W + h times as ticks, <see cref="LstmForecastInput.Timestamps"/>) and in the
    /// forecast engine. Each series' times must increase row by row, a whole number of steps apart (missing steps:
    /// <see cref="GapFill"/>). Future times are those of the rows given to
    /// <c>Predict(future)</c>, or, without them, the last time plus k times the model's step (the most common gap between
    /// consecutive training rows). Default null: no calendar inputs.</summary>
    public string? TimestampColumnName { get; set; }

    /// <summary>The calendar inputs derived from <see cref="TimestampColumnName"/>, or null (default) to choose from the
    /// data: time of day when the step is shorter than a day, day of the week when it is shorter than a week, time of year
    /// when it is shorter than a year and the training rows span at least a year. The choice is written to the log and to
    /// <see cref="ForecastFitReport.CalendarFeatures"/>.</summary>
    public CalendarFeatures? CalendarFeatures { get; set; }

    /// <summary>What to do with gaps in time, rows missing between consecutive rows of a series, read with
    /// <see cref="TimestampColumnName"/> (without one, rows are taken as consecutive steps and nothing is checked). The step
    /// is the most common difference between consecutive rows (after Fit, the model's step); a difference of k ≥ 2 whole
    /// steps misses k − 1 rows. Default <see cref="ForecastGapFill.Error"/>: a gap throws, naming the series, the column,
    /// the first missing time and the number of missing steps. <see cref="ForecastGapFill.PreviousValue"/>,
    /// <see cref="ForecastGapFill.LinearInterpolation"/> and <see cref="ForecastGapFill.SeasonalValue"/> fill the missing
    /// steps (series value, covariates and past covariates alike); filled rows are inputs, never targets. Whatever this is,
    /// a difference that is not a whole number of steps, a repeated time and rows out of time order throw, naming the row.</summary>
    public ForecastGapFill GapFill { get; set; } = ForecastGapFill.Error;

    /// <summary>Transform applied to the series. Default <see cref="ForecastTargetTransform.Automatic"/>: log(1 + y)
    /// (<see cref="ForecastTargetTransform.Log1p"/>) when the series are non-negative, their spread grows with their
    /// level (Guerrero's test, see <see cref="ForecastTargetTransform.Automatic"/>) and the model has no covariates, else none;
    /// <see cref="ForecastFitReport.TargetTransform"/> says which.</summary>
    public ForecastTargetTransform TargetTransform { get; set; } = ForecastTargetTransform.Automatic;

    /// <summary>Scaling of inputs and targets. Default <see cref="ForecastScaling.Automatic"/>: a univariate model takes each
    /// window relative to its last value in units of its mean absolute seasonal change
    /// (<see cref="ForecastScaling.SeasonalChange"/>), so neither the level of a series nor its distance from zero sets the
    /// scale and the training loss weighs series as MASE does; a model with covariates uses the window's mean absolute
    /// value (<see cref="ForecastScaling.WindowMean"/>). The README's table compares the scalings on every data set.</summary>
    public ForecastScaling Scaling { get; set; } = ForecastScaling.Automatic;

    /// <summary>The recurrent encoder run over the window and the future steps: cell, hidden size, layers, direction,
    /// dropout between layers, initialisation. Default: one unidirectional LSTM layer of 64 units, no dropout, the default
    /// initialisation. The members a network does not set keep these defaults, whether its members are changed in place
    /// (<c>Network = { HiddenSize = 32 }</c>) or a new instance is assigned
    /// (<c>Network = new RecurrentNetworkOptions { Cell = RecurrentCellKind.Gru }</c>); see
    /// <see cref="RecurrentNetworkOptions"/>.</summary>
    public RecurrentNetworkOptions Network
    {
        get => network;
        set => network = RecurrentNetworkOptions.Adopt(value, Defaults.Network)!; // a null stays null for Validate
    }

    private RecurrentNetworkOptions network = RecurrentNetworkOptions.OwnedBy(Defaults.Network);

    /// <summary>Weight decay (L2, as <see cref="TrainingOptions.WeightDecay"/>) used instead of
    /// <see cref="TrainingOptions.WeightDecay"/> when the model has covariates; null = use <see cref="TrainingOptions.WeightDecay"/>
    /// for every model. Default 1e-3. A covariate model has more inputs than its few hundred windows can pin down and fits
    /// noise without it; univariate models are left without it, where it did not help (the README's forecasting section
    /// has the measurements).</summary>
    public double? CovariateWeightDecay { get; set; } = 1e-3;

    /// <summary>Which network Fit returns: the best validation epoch or the last one. Default
    /// <see cref="ForecastModelSelection.Automatic"/>: the best epoch (with early stopping after
    /// <see cref="TrainingOptions.EarlyStoppingPatience"/> epochs, 10 by default) when the validation tails hold at least
    /// <see cref="SelectionHorizons"/> non-overlapping horizons, which a long hourly series does (it overfits after a
    /// few epochs); else the last epoch, where a choice on a short tail would follow its noise (airline: MAPE 3.6% →
    /// 6.6%, 95% coverage 0.57 when forced). The forecaster reads this rather than
    /// <see cref="TrainingOptions.RestoreBestWeights"/>. The bounds are calibrated on the same tail (docs/forecasting.md).</summary>
    public ForecastModelSelection ModelSelection { get; set; } = ForecastModelSelection.Automatic;

    /// <summary>The non-overlapping horizons (Σ over series of tail / h) the validation tails must hold for
    /// <see cref="ForecastModelSelection.Automatic"/> to keep the best epoch: 30.</summary>
    public const int SelectionHorizons = 30;

    /// <summary>Observations at the end of every series held out of training: the per-epoch validation loss (and early
    /// stopping, when <see cref="TrainingOptions.EarlyStoppingPatience"/> is set; off by default) is computed on the
    /// forecasts of its windows, and their errors calibrate the confidence bounds (split-conformal). 0 = automatic:
    /// max(⌈0.2·n⌉, h + ⌈1/(1 − level)⌉ − 1) for a series of n observations. Default 0.</summary>
    public int ValidationTailLength { get; set; }

    /// <summary>Lower bound on the optimiser steps of a fit: when <see cref="TrainingOptions.Epochs"/> passes over the
    /// training windows would take fewer steps (⌈windows / <see cref="TrainingOptions.BatchSize"/>⌉ per epoch), the fit
    /// runs ⌈MinimumOptimizerSteps / steps per epoch⌉ epochs instead; 0 = exactly <see cref="TrainingOptions.Epochs"/>.
    /// Default 500: a short series is not left undertrained (120 monthly rows give 76 training windows, 3 batches an
    /// epoch, so 167 epochs instead of 60), while a series with 9+ batches an epoch (a year of daily data: 272 windows,
    /// 540 steps in 60 epochs) trains exactly as before. It is a floor for short series, not more training for all: the
    /// README's airline backtest table has the measurements, a higher floor among them.</summary>
    public int MinimumOptimizerSteps { get; set; } = 500;

    /// <summary>The baseline guard: after training, Fit compares the network's forecasts on the validation tail of every
    /// series with the baseline's (the seasonal naive forecast or the last value, <see cref="Baseline"/>) and with blends
    /// of the two, b + α·(network's correction) for α in {0, ¼, ½, ¾, 1}; where the window holds a season it also weighs
    /// the other simple forecast (the last value beside a seasonal naive baseline, seasonal naive beside a last-value one)
    /// and the blends α·network + (1 − α)·(that forecast). It keeps the candidate with the lowest mean absolute error
    /// (in units of each window's interval scale σ, so every series counts alike; ties go to the network, then to the
    /// baseline). α = 0 forecasts a simple forecast alone: a model never forecasts worse than the naive or seasonal naive
    /// forecast did on the data Fit held out. The choice is logged, is in <see cref="ForecastFitReport.NetworkWeight"/> and
    /// <see cref="ForecastFitReport.AlternativeWeight"/>, and is part of the saved ONNX graph. The bounds are calibrated on
    /// the same tail after the choice, on the larger of the network's and the chosen simple forecast's error per window
    /// (which bounds every blend of the two, so the choice does not make them optimistic). Default true.</summary>
    public bool BaselineGuard { get; set; } = true;

    /// <summary>After calibrating the bounds on the validation tail, train the network again (same seed, same number
    /// of epochs) on every window, the tail included, and forecast with that network, keeping the first fit's
    /// calibration: the model then knows the latest observations (a trend) at twice the training time. Default false.</summary>
    public bool RefitOnAllData { get; set; }

    /// <summary>Networks trained and averaged (an ensemble): member j (0-based) is the same network trained from seed
    /// <c>Seed + j</c> (its own initialisation and draw of windows, its own model selection), and the model forecasts with
    /// the mean of the members' corrections to the baseline, so the baseline guard, the bounds' calibration, the saved
    /// ONNX graph (one subgraph per member and an ONNX <c>Mean</c>) and the forecast engine all see the averaged forecast.
    /// Training time and the saved model's size grow K-fold (a <see cref="TrainingOptions.TimeBudget"/> is shared equally);
    /// scoring runs K networks. M4 hourly (414 series, h 48, seed 1, window 72): one network OWA 0.502, three 0.485 (docs/forecasting.md).
    /// Default 1 (one network).</summary>
    public int EnsembleSize { get; set; } = 1;

    /// <summary>Fit trains no network and forecasts with the <see cref="Baseline"/> forecast alone (network weight α = 0,
    /// <see cref="ForecastFitReport.NetworkWeight"/>), its bounds calibrated on the baseline's own errors over the validation
    /// tails: the model a comparison returns when the naive or seasonal naive forecast won (set with
    /// <see cref="Baseline"/> LastValue or SeasonalNaive and the season). Not a user's option. Default false.</summary>
    internal bool BaselineOnly { get; set; }

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        if (string.IsNullOrWhiteSpace(InputColumnName)) throw Bad(nameof(InputColumnName), InputColumnName ?? "null", "the name of the series column");
        if (string.IsNullOrWhiteSpace(OutputColumnName)) throw Bad(nameof(OutputColumnName), OutputColumnName ?? "null", "a column name");
        if (string.IsNullOrWhiteSpace(ConfidenceLowerBoundColumn)) throw Bad(nameof(ConfidenceLowerBoundColumn), ConfidenceLowerBoundColumn ?? "null", "a column name");
        if (string.IsNullOrWhiteSpace(ConfidenceUpperBoundColumn)) throw Bad(nameof(ConfidenceUpperBoundColumn), ConfidenceUpperBoundColumn ?? "null", "a column name");
        if (WindowSize is < 2 and not 0) throw Bad(nameof(WindowSize), WindowSize, "0 (automatic) or at least 2 observations");
        if (Seasonality < 0) throw Bad(nameof(Seasonality), Seasonality, "0 (detect), 1 (none) or a season length of at least 2 steps");
        if (!Enum.IsDefined(Loss)) throw Bad(nameof(Loss), Loss, "a ForecastLoss value");
        if (!Enum.IsDefined(Baseline)) throw Bad(nameof(Baseline), Baseline, "a ForecastBaseline value");
        if (!Enum.IsDefined(ModelSelection)) throw Bad(nameof(ModelSelection), ModelSelection, "a ForecastModelSelection value");
        if (WindowsPerEpoch < 0) throw Bad(nameof(WindowsPerEpoch), WindowsPerEpoch, "0 (every window) or a positive number of windows");
        Positive(Horizon, nameof(Horizon));
        if (!(ConfidenceLevel > 0 && ConfidenceLevel < 1)) throw Bad(nameof(ConfidenceLevel), ConfidenceLevel, "a value in (0, 1)");
        if (EnsembleSize is < 1 or > 100) throw Bad(nameof(EnsembleSize), EnsembleSize, "a number of networks from 1 to 100");
        if (MinimumOptimizerSteps < 0) throw Bad(nameof(MinimumOptimizerSteps), MinimumOptimizerSteps, "0 (none) or a number of optimiser steps");
        if (ValidationTailLength < 0) throw Bad(nameof(ValidationTailLength), ValidationTailLength, "0 (automatic) or a positive number of observations");
        if (!Enum.IsDefined(GapFill)) throw Bad(nameof(GapFill), GapFill, "a ForecastGapFill value");
        if (!Enum.IsDefined(TargetTransform)) throw Bad(nameof(TargetTransform), TargetTransform, "a ForecastTargetTransform value");
        if (!Enum.IsDefined(Scaling)) throw Bad(nameof(Scaling), Scaling, "a ForecastScaling value");
        if (!Enum.IsDefined(IntervalScale)) throw Bad(nameof(IntervalScale), IntervalScale, "a ForecastIntervalScale value");
        if (!Enum.IsDefined(IntervalMethod)) throw Bad(nameof(IntervalMethod), IntervalMethod, "a ForecastIntervalMethod value");
        if (!(IntervalAdaptationRate > 0 && IntervalAdaptationRate <= 1)) throw Bad(nameof(IntervalAdaptationRate), IntervalAdaptationRate, "a step size in (0, 1]");
        if (CovariateWeightDecay is double decay && !(decay >= 0 && double.IsFinite(decay))) throw Bad(nameof(CovariateWeightDecay), decay, "null or a non-negative finite number");
        if (Network is null) throw Bad(nameof(Network), "null", "a RecurrentNetworkOptions");
        Network.Validate(nameof(Network));
        ArgumentNullException.ThrowIfNull(CovariateColumnNames, nameof(CovariateColumnNames));
        ArgumentNullException.ThrowIfNull(PastCovariateColumnNames, nameof(PastCovariateColumnNames));
        var names = new HashSet<string>(StringComparer.Ordinal) { InputColumnName };
        foreach (string name in CovariateColumnNames)
        {
            if (string.IsNullOrWhiteSpace(name)) throw Bad(nameof(CovariateColumnNames), "an empty name", "column names");
            if (!names.Add(name)) throw Bad(nameof(CovariateColumnNames), name, "columns other than the series column, each named once");
        }
        foreach (string name in PastCovariateColumnNames)
        {
            if (string.IsNullOrWhiteSpace(name)) throw Bad(nameof(PastCovariateColumnNames), "an empty name", "column names");
            if (!names.Add(name)) throw Bad(nameof(PastCovariateColumnNames), name, "columns other than the series and covariate columns, each named once");
        }
        if (TimestampColumnName is { } time && (string.IsNullOrWhiteSpace(time) || names.Contains(time)))
            throw Bad(nameof(TimestampColumnName), time, "null or a column other than the series and covariate columns");
        if (CalendarFeatures is { } calendar && (calendar & ~(LstmMlNet.CalendarFeatures.HourOfDay | LstmMlNet.CalendarFeatures.DayOfWeek | LstmMlNet.CalendarFeatures.DayOfYear)) != 0)
            throw Bad(nameof(CalendarFeatures), calendar, "null (automatic) or a combination of HourOfDay, DayOfWeek and DayOfYear");
        if (CalendarFeatures is { } chosen && chosen != LstmMlNet.CalendarFeatures.None && TimestampColumnName is null)
            throw Bad(nameof(CalendarFeatures), chosen, "None or null without a TimestampColumnName (calendar inputs are derived from it)");
        if (OutputColumnNames.Distinct(StringComparer.Ordinal).Count() != 3) throw Bad(nameof(OutputColumnName), OutputColumnName, "different from the bound columns");
        foreach (string name in OutputColumnNames)
        {
            if (name == IntervalScaleColumn)
                throw Bad(nameof(OutputColumnNames), name, $"names other than '{IntervalScaleColumn}', the scoring model's column of the interval scale");
        }
    }

    /// <summary>The three output columns: forecast, lower bound, upper bound.</summary>
    /// <summary>The scoring model's column of each window's interval scale σ (beside the forecast and bounds): a name the
    /// output columns cannot take.</summary>
    internal const string IntervalScaleColumn = "IntervalScale";

    internal string[] OutputColumnNames => new[] { OutputColumnName, ConfidenceLowerBoundColumn, ConfidenceUpperBoundColumn };

    internal LstmForecastingOptions Clone()
    {
        var clone = (LstmForecastingOptions)MemberwiseClone();
        clone.Network = Network?.Clone()!; // a copy's network can change without changing this one's (a null stays null for Validate)
        return clone;
    }
}
