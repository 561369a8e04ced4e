namespace LstmMlNet.Benchmarks;

/// <summary>A seeded daily-like series for the forecasting benchmarks: level 1,000 with a trend, a weekly and a yearly
/// season and uniform noise, 1,000 observations.</summary>
public sealed class ForecastPoint
{
    public float Value { get; set; }
}

/// <summary>Forecast columns of <c>ForecastByLstm</c> under their default names.</summary>
public sealed class ForecastVectors
{
    public float[] Forecast { get; set; } = Array.Empty<float>();

    public float[] LowerBound { get; set; } = Array.Empty<float>();

    public float[] UpperBound { get; set; } = Array.Empty<float>();
}

internal static class ForecastSeries
{
    public const int Length = 1000, Window = 28, Horizon = 7;

    public static ForecastPoint[] Points()
    {
        var random = new Random(1);
        return Enumerable.Range(0, Length).Select(t => new ForecastPoint
        {
            Value = 1000f + 0.5f * t + 200f * MathF.Sin(2 * MathF.PI * t / 7) + 100f * MathF.Sin(2 * MathF.PI * t / 365) + (float)(random.NextDouble() * 60 - 30),
        }).ToArray();
    }
}
