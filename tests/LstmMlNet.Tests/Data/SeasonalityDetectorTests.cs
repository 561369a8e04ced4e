using LstmMlNet.Data;

namespace LstmMlNet.Tests.Data;

/// <summary>Season detection from the autocorrelation of first differences, on synthetic and real series.</summary>
public sealed class SeasonalityDetectorTests
{
    private static float[] Seasonal(int n, int period, double trend, double noise, int seed, double weekly = 0)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(t => (float)(100 + trend * t + 10 * Math.Sin(2 * Math.PI * t / period)
            + weekly * Math.Sin(2 * Math.PI * t / (7.0 * period)) + noise * (rng.NextDouble() - 0.5))).ToArray();
    }

    [Theory]
    [InlineData(24, 0.5)]
    [InlineData(12, 2.0)]
    [InlineData(7, 0.0)]
    public void Finds_the_period_of_a_noisy_seasonal_series_with_a_trend(int period, double trend)
    {
        Assert.Equal(period, SeasonalityDetector.Detect(new[] { Seasonal(30 * period, period, trend, 6, 1) }, 400));
    }

    [Fact]
    public void Prefers_the_daily_period_when_a_weekly_rhythm_rides_on_it()
    {
        float[][] series = Enumerable.Range(0, 5).Select(i => Seasonal(24 * 35, 24, 0.01, 4, i, weekly: 6)).ToArray();
        Assert.Equal(24, SeasonalityDetector.Detect(series, 400));
    }

    [Fact]
    public void A_random_walk_or_white_noise_has_no_season()
    {
        var rng = new Random(5);
        double level = 0;
        float[] walk = Enumerable.Range(0, 600).Select(_ => (float)(level += rng.NextDouble() - 0.5)).ToArray();
        float[] noise = Enumerable.Range(0, 600).Select(_ => (float)rng.NextDouble()).ToArray();
        Assert.Equal(1, SeasonalityDetector.Detect(new[] { walk }, 200));
        Assert.Equal(1, SeasonalityDetector.Detect(new[] { noise }, 200));
        Assert.Equal(1, SeasonalityDetector.Detect(new[] { new float[50] }, 16)); // constant: no variance
    }

    [Fact]
    public void Finds_twelve_months_in_the_airline_series()
    {
        float[] airline = LstmMlNet.Tests.Forecasting.AirlineData.Months().Take(120).Select(m => m.Passengers).ToArray();
        Assert.Equal(12, SeasonalityDetector.Detect(new[] { airline }, 40));
    }
}
