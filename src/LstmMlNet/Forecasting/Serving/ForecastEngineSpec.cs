namespace LstmMlNet.Forecasting;

/// <summary>What an engine needs besides the scoring model; written into checkpoints as JSON. <see cref="GapFill"/> and
/// <see cref="GapSeason"/> (the fitted <see cref="LstmForecastingOptions.GapFill"/> and the season its seasonal fill uses)
/// default to an error and none when a checkpoint written before them lacks them.</summary>
internal sealed record ForecastEngineSpec(
    string InputColumnName,
    string[] CovariateColumnNames,
    string OutputColumnName,
    string LowerColumnName,
    string UpperColumnName,
    int WindowSize,
    int Horizon,
    string SeriesId,
    ForecastTargetTransform TargetTransform,
    float ConfidenceLevel,
    ForecastIntervalMethod IntervalMethod,
    double IntervalAdaptationRate,
    string[] PastCovariateColumnNames,
    string? TimestampColumnName,
    long StepTicks,
    ForecastGapFill GapFill = ForecastGapFill.Error,
    int GapSeason = 0)
{
    /// <summary>The spec of an engine over <paramref name="plan"/>'s layout; <see cref="TimestampColumnName"/> is set only when the
    /// model has calendar inputs (the only use of the times).</summary>
    public static ForecastEngineSpec From(ForecastPlan plan, string seriesId)
    {
        LstmForecastingOptions o = plan.Request;
        ForecastLayout layout = plan.Layout;
        return new(o.InputColumnName, o.CovariateColumnNames, o.OutputColumnName, o.ConfidenceLowerBoundColumn, o.ConfidenceUpperBoundColumn, layout.WindowSize, layout.Horizon, seriesId,
            o.TargetTransform, o.ConfidenceLevel, o.IntervalMethod, o.IntervalAdaptationRate, o.PastCovariateColumnNames,
            layout.HasTimestamps ? o.TimestampColumnName : null, layout.StepTicks, o.GapFill, SeriesGaps.FillSeason(o.Seasonality, layout.StepTicks));
    }

    public bool HasTimestamps => TimestampColumnName is not null;

    /// <summary>Why this spec (read from a checkpoint) cannot drive an engine, or null.</summary>
    public string? Problem() =>
        InputColumnName is null || CovariateColumnNames is null || PastCovariateColumnNames is null || OutputColumnName is null || LowerColumnName is null || UpperColumnName is null || SeriesId is null
            ? "its spec lacks a column name"
            : WindowSize < 2 || Horizon < 1 ? $"its spec has window {WindowSize} and horizon {Horizon}"
            : HasTimestamps && StepTicks <= 0 ? $"its spec has calendar inputs and a step of {StepTicks} ticks"
            : !Enum.IsDefined(TargetTransform) || TargetTransform == ForecastTargetTransform.Automatic || !Enum.IsDefined(IntervalMethod) ? "its spec names an unknown target transform or interval method"
            : !Enum.IsDefined(GapFill) || GapSeason < 0 ? "its spec names an unknown gap fill or a negative gap season"
            : !(ConfidenceLevel > 0 && ConfidenceLevel < 1) || !(IntervalAdaptationRate > 0 && IntervalAdaptationRate <= 1) ? "its spec has a confidence level outside (0, 1) or an adaptation rate outside (0, 1]"
            : null;
}
