namespace LstmMlNet.Forecasting;

/// <summary>One series read from an IDataView: its id, observations in row order, covariates (n·C, step-major), the
/// data-view row of each observation, past covariates (n·Cp, step-major) and timestamps (n ticks, or none).</summary>
internal sealed record Series(string Id, float[] Values, float[] Covariates, long[] Rows, float[] PastCovariates, long[] Timestamps)
{
    public Series(string id, float[] values, float[] covariates, long[] rows)
        : this(id, values, covariates, rows, Array.Empty<float>(), Array.Empty<long>())
    {
    }

    public int Length => Values.Length;
}
