namespace LstmMlNet.Forecasting;

/// <summary>One series read from an IDataView: its id, observations in row order, covariates (n·C, step-major), the
/// data-view row of each observation (−1 for a row filled into a gap in time), past covariates (n·Cp, step-major) and
/// timestamps (n ticks, or none).</summary>
internal sealed record Series(string Id, float[] Values, float[] Covariates, long[] Rows, float[] PastCovariates, long[] Timestamps)
{
    public Series(string id, float[] values, float[] covariates, long[] rows)
        : this(id, values, covariates, rows, Array.Empty<float>(), Array.Empty<long>())
    {
    }

    public int Length => Values.Length;

    /// <summary>Which positions were filled into gaps in time (<see cref="ForecastGapFill"/>); empty when none was.</summary>
    public bool[] Filled { get; init; } = Array.Empty<bool>();

    /// <summary>Whether position <paramref name="t"/> was filled into a gap (an input, never a target).</summary>
    public bool IsFilled(int t) => Filled.Length > 0 && Filled[t];

    /// <summary>Whether any of the <paramref name="count"/> positions from <paramref name="start"/> was filled.</summary>
    public bool AnyFilled(int start, int count) => Filled.Length > 0 && Array.IndexOf(Filled, true, start, count) >= 0;
}
