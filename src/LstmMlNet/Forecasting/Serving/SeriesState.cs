namespace LstmMlNet.Forecasting;

/// <summary>What a forecast engine remembers of one series: its last W observations, their covariates (W·C), past
/// covariates (W·Cp) and times (W ticks, or none).</summary>
internal sealed class SeriesState
{
    public SeriesState(float[] values, float[] covariates, float[]? pastCovariates = null, long[]? timestamps = null)
    {
        Values = values;
        Covariates = covariates;
        PastCovariates = pastCovariates ?? Array.Empty<float>();
        Timestamps = timestamps ?? Array.Empty<long>();
    }

    /// <summary>The last W observations, oldest first.</summary>
    public float[] Values { get; private set; }

    /// <summary>Covariates of those W steps, step-major.</summary>
    public float[] Covariates { get; private set; }

    /// <summary>Past covariates of those W steps, step-major.</summary>
    public float[] PastCovariates { get; private set; }

    /// <summary>Times of those W steps (ticks); empty for a model without calendar inputs.</summary>
    public long[] Timestamps { get; private set; }

    /// <summary>Time of the last observation (ticks) when the series' rows had times (a timestamp column, with or without
    /// calendar inputs); −1 when unknown.</summary>
    public long LastTime { get; set; } = -1;

    public static SeriesState FromEnd(Series s, ForecastLayout layout)
    {
        int w = layout.WindowSize;
        return new(s.Values[^w..], s.Covariates[^(w * layout.Covariates)..], s.PastCovariates[^(w * layout.PastCovariates)..],
            layout.HasTimestamps ? s.Timestamps[^w..] : Array.Empty<long>())
        {
            LastTime = s.Timestamps.Length > 0 ? s.Timestamps[^1] : -1,
        };
    }

    /// <summary>Appends one observation (with its covariates, past covariates and time) and drops the oldest.</summary>
    public void Push(float value, ReadOnlySpan<float> covariates, ReadOnlySpan<float> pastCovariates = default, long? timestamp = null)
    {
        var values = new float[Values.Length];
        Array.Copy(Values, 1, values, 0, values.Length - 1);
        values[^1] = value;
        Values = values;
        Covariates = Shift(Covariates, covariates);
        PastCovariates = Shift(PastCovariates, pastCovariates);
        if (timestamp is long stamp) LastTime = stamp;
        if (Timestamps.Length > 0 && timestamp is long time)
        {
            var times = new long[Timestamps.Length];
            Array.Copy(Timestamps, 1, times, 0, times.Length - 1);
            times[^1] = time;
            Timestamps = times;
        }
    }

    private static float[] Shift(float[] state, ReadOnlySpan<float> step)
    {
        int c = step.Length;
        if (c == 0) return state;
        var shifted = new float[state.Length];
        Array.Copy(state, c, shifted, 0, shifted.Length - c);
        step.CopyTo(shifted.AsSpan(shifted.Length - c));
        return shifted;
    }

    public SeriesState Clone() => new((float[])Values.Clone(), (float[])Covariates.Clone(), (float[])PastCovariates.Clone(), (long[])Timestamps.Clone()) { LastTime = LastTime };
}
