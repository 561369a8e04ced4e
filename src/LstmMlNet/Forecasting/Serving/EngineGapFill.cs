using System.Globalization;

namespace LstmMlNet.Forecasting;

/// <summary>Gap filling in the forecast engine (<see cref="LstmForecastEngine{TIn, TOut}.Update"/>): the rows filled between
/// the engine's last observation and a later one, with the fitted <see cref="ForecastGapFill"/>, as
/// <see cref="SeriesGaps"/> fills the rows a model reads.</summary>
internal static class EngineGapFill
{
    /// <summary>The rows the forecast engine fills before an observation at <paramref name="time"/> (value, covariates and
    /// past covariates given) that follows the state's last time by k ≥ 2 steps: k − 1 rows, oldest first, by the fitted
    /// <see cref="ForecastEngineSpec.GapFill"/>; none for the next step. The seasonal fill reads the row one season earlier
    /// from the W rows the engine keeps (filled rows included), and interpolates where that row is older.</summary>
    /// <exception cref="ArgumentException">The time is not a whole number of steps after the last one, or it is a gap and
    /// the model was fitted with <see cref="ForecastGapFill.Error"/> (or seasonal filling without a season).</exception>
    public static List<(float Value, float[] Covariates, float[] Past, long Time)> Rows(ForecastEngineSpec spec, SeriesState state, float value,
        float[] covariates, float[] past, long time)
    {
        var rows = new List<(float, float[], float[], long)>();
        long last = state.Timestamps[^1];
        SeriesGaps.TimeStep step = SeriesGaps.TimeStep.Of(spec.StepTicks);
        long? steps = step.Between(last, time);
        if (steps is not long k)
        {
            throw new ArgumentException(
                $"The observation's timestamp column '{spec.TimestampColumnName}' is {SeriesGaps.Time(time)}, {TimeSpan.FromTicks(time - last)} after the last observation's ({SeriesGaps.Time(last)}): " +
                $"not a whole number of the model's steps of {step}.", "observation");
        }
        if (k == 1) return rows;
        string what = FormattableString.Invariant($"{SeriesGaps.Time(step.After(last, 1))} is missing (the first of {k - 1} missing steps of {step} between the last observation at {SeriesGaps.Time(last)} and this one at {SeriesGaps.Time(time)})");
        if (spec.GapFill == ForecastGapFill.Error)
            throw new ArgumentException($"The observation's timestamp column '{spec.TimestampColumnName}' leaves a gap in time: {what}. Update with the missing rows first, or fit with GapFill set to fill gaps.", "observation");
        if (spec.GapFill == ForecastGapFill.SeasonalValue && spec.GapSeason < 2)
            throw new ArgumentException($"The observation's timestamp column '{spec.TimestampColumnName}' leaves a gap in time: {what}; GapFill SeasonalValue has no season for the model's step {step}.", "observation");
        if (k - 1 > (long)SeriesGaps.MaximumFillRatio * state.Values.Length)
            throw new ArgumentException($"The observation's timestamp column '{spec.TimestampColumnName}' leaves a gap of {k - 1} steps, more than {SeriesGaps.MaximumFillRatio} windows: {what}. Check the time.", "observation");
        SeriesState work = state.Clone();
        int w = work.Values.Length, c = covariates.Length, cp = past.Length;
        float lastValue = work.Values[^1];
        float[] lastCovariates = work.Covariates[^c..], lastPast = work.PastCovariates[^cp..];
        for (long j = 1; j < k; j++)
        {
            int from = SeriesGaps.Source(spec.GapFill, w, spec.GapSeason); // the window holds positions 0 … W − 1 before the step
            float v;
            float[] cv, pv;
            if (from >= 0)
            {
                v = work.Values[from];
                cv = work.Covariates[(from * c)..((from + 1) * c)];
                pv = work.PastCovariates[(from * cp)..((from + 1) * cp)];
            }
            else
            {
                v = SeriesGaps.Lerp(lastValue, value, j, k);
                cv = new float[c];
                pv = new float[cp];
                SeriesGaps.Lerp(lastCovariates, covariates, j, k, cv);
                SeriesGaps.Lerp(lastPast, past, j, k, pv);
            }
            long at = step.After(last, j);
            work.Push(v, cv, pv, at);
            rows.Add((v, cv, pv, at));
        }
        return rows;
    }
}
