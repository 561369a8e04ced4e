namespace LstmMlNet;

/// <summary>What a forecasting Fit did: training history, data sizes and the conformal calibration.</summary>
/// <param name="History">One entry per epoch (losses in scaled units; the metric is the scaled MAE).</param>
/// <param name="BestEpoch">Epoch whose weights were kept (1-based); 0 when no network was trained (a model that forecasts
/// with its baseline alone, <see cref="NetworkWeight"/> 0, as a comparison returns when a simple forecast won).</param>
/// <param name="StoppedEarly">True when early stopping ended training before the last epoch.</param>
/// <param name="Parameters">Trainable parameters of the network (of all members of an ensemble together).</param>
/// <param name="Series">Number of series.</param>
/// <param name="TrainingWindows">Windows trained on (all series).</param>
/// <param name="CalibrationWindows">Windows of the validation tails, whose errors calibrate the bounds.</param>
/// <param name="Quantiles">Per horizon step, the split-conformal half-width of the bounds in units of each window's interval
/// scale σ (<see cref="LstmForecastingOptions.IntervalScale"/>), in level space (after the target transform); where the
/// forecast engine's adaptive bounds start.</param>
/// <param name="WindowSize">The window W the model reads (given, or chosen by the automatic rule).</param>
/// <param name="Seasonality">The season length used (given or detected; 1 = none).</param>
/// <param name="SeasonalBaselinePeriod">The period of the seasonal naive forecast the network corrects, or 0 when it
/// corrects the last value (<see cref="LstmForecastingOptions.Baseline"/>).</param>
/// <param name="CalendarFeatures">The calendar inputs derived from the timestamp column (declared or chosen).</param>
public sealed record ForecastFitReport(
    IReadOnlyList<TrainingProgress> History,
    int BestEpoch,
    bool StoppedEarly,
    long Parameters,
    int Series,
    int TrainingWindows,
    int CalibrationWindows,
    IReadOnlyList<float> Quantiles,
    int WindowSize = 0,
    int Seasonality = 1,
    int SeasonalBaselinePeriod = 0,
    CalendarFeatures CalendarFeatures = CalendarFeatures.None)
{
    /// <summary>The weight α of the network's correction in the forecasts, baseline + α·correction, that the baseline guard
    /// chose on the validation tail (<see cref="LstmForecastingOptions.BaselineGuard"/>): 1 = the network, 0 = the baseline
    /// alone (seasonal naive, <see cref="SeasonalBaselinePeriod"/>, or the last value) — or, when
    /// <see cref="AlternativeWeight"/> is not 0, the other simple forecast's blend α·network + (1 − α)·other. 1 without the guard.</summary>
    public float NetworkWeight { get; init; } = 1f;

    /// <summary>The network's (α = 1) mean absolute error on the validation tail, in units of each window's interval scale
    /// σ; null without the guard.</summary>
    public double? NetworkValidationError { get; init; }

    /// <summary>The baseline's (α = 0) mean absolute error on the validation tail, in the same units; null without the guard.</summary>
    public double? BaselineValidationError { get; init; }

    /// <summary>The period of the other simple forecast the baseline guard weighed beside the baseline, as
    /// <see cref="SeasonalBaselinePeriod"/> gives the baseline's: 0 = the last value (the network corrects seasonal naive),
    /// P = the seasonal naive forecast of period P (the network corrects the last value). Null when there was none: no
    /// guard, no season of P ≥ 2 steps within the window, or a model whose scaling does not start from the last value
    /// (<see cref="ForecastTargetTransform.Difference"/>, <see cref="ForecastScaling.Standard"/>, <see cref="ForecastScaling.None"/>).</summary>
    public int? AlternativePeriod { get; init; }

    /// <summary>The weight γ of that other simple forecast in the forecasts the guard chose: 0 when the model blends the
    /// network with its baseline (<see cref="NetworkWeight"/> α of the correction), 1 − α when it forecasts
    /// α·network + (1 − α)·(the other simple forecast) because that blend had the lowest validation error; 1 (with α 0)
    /// = the other simple forecast alone.</summary>
    public float AlternativeWeight { get; init; }

    /// <summary>The other simple forecast's own mean absolute error on the validation tail, in the units of
    /// <see cref="NetworkValidationError"/>; null without it.</summary>
    public double? AlternativeValidationError { get; init; }

    /// <summary>The target transform the model applies: the one given, or the one
    /// <see cref="ForecastTargetTransform.Automatic"/> chose (<see cref="ForecastTargetTransform.Log1p"/> or
    /// <see cref="ForecastTargetTransform.None"/>).</summary>
    public ForecastTargetTransform TargetTransform { get; init; } = ForecastTargetTransform.None;

    /// <summary>Each ensemble member's training history (<see cref="LstmForecastingOptions.EnsembleSize"/>), in member order;
    /// <see cref="ForecastFitReport.History"/>, <see cref="ForecastFitReport.BestEpoch"/> and
    /// <see cref="ForecastFitReport.StoppedEarly"/> are the first member's. One entry (that history) for a single network,
    /// an empty one when no network was trained (the baseline-only model a comparison returns).</summary>
    public IReadOnlyList<IReadOnlyList<TrainingProgress>> MemberHistories { get; init; } = [];

    /// <summary>Each ensemble member's kept epoch (1-based), in member order, as <see cref="ForecastFitReport.BestEpoch"/>
    /// is the first member's (one 0 when no network was trained).</summary>
    public IReadOnlyList<int> MemberBestEpochs { get; init; } = [];

    /// <summary>The calibration windows' scores behind <see cref="Quantiles"/>, which give the half-widths of any other level
    /// (<see cref="Forecasting.ConformalScores.HalfWidths"/>); null where the Fit's scores were not kept.</summary>
    internal Forecasting.ConformalScores? Scores { get; init; }
}
