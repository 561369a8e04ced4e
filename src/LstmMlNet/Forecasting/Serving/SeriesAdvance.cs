namespace LstmMlNet.Forecasting;

/// <summary>One observed row appended to a series' end state: the one rule of the forecast engine's <c>Update</c> and the
/// panel forecaster's <c>Update</c> (both check the row's values first).</summary>
internal static class SeriesAdvance
{
    /// <summary>Appends the row (value, covariates, past covariates, time) to <paramref name="state"/>: with calendar inputs
    /// a time not after the last one throws, and a gap of k ≥ 2 steps is filled first by the model's
    /// <see cref="ForecastEngineSpec.GapFill"/> (<see cref="EngineGapFill"/>; filled rows score nothing); with adaptive
    /// <paramref name="bounds"/> the forecasts made before this row are scored, after <paramref name="issueIfMissing"/> has
    /// issued the forecast of this row's origin when none was (null when it cannot: a model with future covariates).</summary>
    public static void Observe(ForecastEngineSpec spec, SeriesState state, AdaptiveBounds? bounds, float value, float[] covariates, float[] past, long? time, Action? issueIfMissing)
    {
        if (time is long t && state.Timestamps.Length > 0 && t <= state.Timestamps[^1])
            throw new ArgumentException($"The observation's timestamp column '{spec.TimestampColumnName}' is {new DateTime(t):O}, not after the last observation's ({new DateTime(state.Timestamps[^1]):O}).", "observation");
        var filled = time is long at && state.Timestamps.Length > 0 ? EngineGapFill.Rows(spec, state, value, covariates, past, at) : null;
        foreach (var row in filled ?? new())
        {
            bounds?.Advance(filled: true, 0f, null); // a filled row scores no forecast
            state.Push(row.Value, row.Covariates, row.Past, row.Time);
        }
        // Score the forecasts made before this observation; without future covariates every origin is forecast, so the
        // bounds adapt however rarely a forecast is asked for.
        bounds?.Advance(filled: false, ForecastLayout.Level(spec.TargetTransform, value), issueIfMissing);
        state.Push(value, covariates, past, time);
    }
}
