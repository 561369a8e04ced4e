namespace LstmMlNet.Forecasting;

/// <summary>What a forecast engine remembers of one series: its last W observations and their covariates (W·C).</summary>
internal sealed class SeriesState
{
    public SeriesState(float[] values, float[] covariates)
    {
        Values = values;
        Covariates = covariates;
    }

    /// <summary>The last W observations, oldest first.</summary>
    public float[] Values { get; private set; }

    /// <summary>Covariates of those W steps, step-major.</summary>
    public float[] Covariates { get; private set; }

    public static SeriesState FromEnd(Series s, int windowSize, int covariates) =>
        new(s.Values[^windowSize..], s.Covariates[^(windowSize * covariates)..]);

    /// <summary>Appends one observation and drops the oldest.</summary>
    public void Push(float value, ReadOnlySpan<float> covariates)
    {
        var values = new float[Values.Length];
        Array.Copy(Values, 1, values, 0, values.Length - 1);
        values[^1] = value;
        Values = values;
        int c = covariates.Length;
        if (c > 0)
        {
            var cov = new float[Covariates.Length];
            Array.Copy(Covariates, c, cov, 0, cov.Length - c);
            covariates.CopyTo(cov.AsSpan(cov.Length - c));
            Covariates = cov;
        }
    }

    public SeriesState Clone() => new((float[])Values.Clone(), (float[])Covariates.Clone());
}
