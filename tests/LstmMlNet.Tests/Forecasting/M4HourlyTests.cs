using System.Diagnostics;
using LstmMlNet.Forecasting;
using LstmMlNet.Tests.Infrastructure;
using M4HourlySample;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit.Abstractions;

namespace LstmMlNet.Tests.Forecasting;

/// <summary>M4 hourly (../shared/data/m4): the metric code against the M4 paper's benchmark rows, and a reduced global
/// model (the first 40 series, a short budget) against the baselines computed on the same series.</summary>
public sealed class M4HourlyTests(ITestOutputHelper output)
{
    private static List<M4Series> Load(int limit = 0) =>
        M4Data.Load(SharedData.Path("m4", "Hourly-train.csv"), SharedData.Path("m4", "Hourly-test.csv"), limit);

    [Fact]
    public void The_benchmark_rows_of_the_M4_paper_reproduce()
    {
        List<M4Series> series = Load();
        Assert.Equal(414, series.Count);
        Assert.Equal(700, series.Min(s => s.Train.Length));
        Assert.Equal(960, series.Max(s => s.Train.Length));
        int h = M4Data.Horizon, m = M4Data.Seasonality;
        var naive = M4Evaluation.Score(series, series.Select(s => M4Evaluation.Naive(s.Train, h)).ToList(), m);
        var seasonal = M4Evaluation.Score(series, series.Select(s => M4Evaluation.SeasonalNaive(s.Train, h, m)).ToList(), m);
        var naive2 = M4Evaluation.Score(series, series.Select(s => M4Evaluation.Naive2(s.Train, h, m)).ToList(), m);
        // M4 paper (IJF 36(1) 2020), hourly: Naive 1 43.003 / 11.608, seasonal naive 13.912 / 1.193, Naive 2 18.383 / 2.395.
        Assert.Equal(43.003, naive.Smape, 3);
        Assert.Equal(11.608, naive.Mase, 3);
        Assert.Equal(13.912, seasonal.Smape, 3);
        Assert.Equal(1.193, seasonal.Mase, 3);
        Assert.Equal(18.383, naive2.Smape, 3);
        Assert.Equal(2.395, naive2.Mase, 3);
        Assert.InRange(M4Evaluation.Owa(seasonal, naive2), 0.6270, 0.6280); // the paper's 0.627 from the rounded rows; 0.6275 unrounded
    }

    [Fact]
    public void Seasonality_test_and_decomposition_follow_their_definitions()
    {
        // A pure multiplicative season: the indices are the season itself (normalised), and Naive 2 repeats it exactly.
        float[] season = { 0.5f, 1f, 1.5f, 1f };
        float[] x = Enumerable.Range(0, 40).Select(t => 10f * season[t % 4]).ToArray();
        Assert.True(M4Evaluation.IsSeasonal(x, 4));
        double[] indices = M4Evaluation.SeasonalIndices(x, 4);
        for (int t = 0; t < 8; t++) Assert.Equal(season[t % 4], indices[t], 6);
        float[] f = M4Evaluation.Naive2(x, 6, 4);
        for (int k = 0; k < 6; k++) Assert.Equal(10f * season[k % 4], f[k], 4);
        // White noise is not seasonal; Naive 2 is then the last value.
        var rng = new Random(2);
        float[] noise = Enumerable.Range(0, 200).Select(_ => (float)rng.NextDouble() + 5).ToArray();
        Assert.False(M4Evaluation.IsSeasonal(noise, 24));
        Assert.All(M4Evaluation.Naive2(noise, 3, 24), v => Assert.Equal(noise[^1], v));
        // sMAPE and MASE by hand.
        Assert.Equal(200.0 * 1 / 3, M4Evaluation.SymmetricMape(new float[] { 1 }, new float[] { 2 }), 9);
        Assert.Equal(0.5, M4Evaluation.Mase(new float[] { 1, 3, 1, 3 }, new float[] { 2 }, new float[] { 3 }, 1), 9);
    }

    [Fact]
    public void A_global_model_on_40_series_beats_seasonal_naive()
    {
        List<M4Series> series = Load(40);
        int h = M4Data.Horizon, m = M4Data.Seasonality;
        var ml = new MLContext(seed: 1);
        var options = new LstmForecastingOptions
        {
            InputColumnName = "Value", SeriesIdColumnName = "Id", Horizon = h, Seed = 1,
            Epochs = 12, WindowsPerEpoch = 2048, MinimumOptimizerSteps = 0, // a reduced budget: 24,576 windows
        };
        IDataView data = ml.Data.LoadFromEnumerable(series.SelectMany(s => s.Train.Select(v => new M4Row { Id = s.Id, Value = v })));
        var clock = Stopwatch.StartNew();
        LstmForecastingTransformer model = ml.Forecasting.ForecastByLstm(options).Fit(data);
        double seconds = clock.Elapsed.TotalSeconds;
        Assert.Equal(24, model.FitReport.Seasonality); // detected
        Assert.Equal(72, model.WindowSize); // 24·max(2, ⌈48/24⌉ + 1)
        int w = model.WindowSize;
        IDataView scored = model.ScoringModel.Transform(ml.Data.LoadFromEnumerable(
            series.Select(s => new LstmForecastInput { Window = s.Train[^w..] }), model.ScoringInputSchemaDefinition));
        float[][] lstm = scored.GetColumn<float[]>("Forecast").ToArray();
        var naive2 = M4Evaluation.Score(series, series.Select(s => M4Evaluation.Naive2(s.Train, h, m)).ToList(), m);
        var seasonal = M4Evaluation.Score(series, series.Select(s => M4Evaluation.SeasonalNaive(s.Train, h, m)).ToList(), m);
        var ours = M4Evaluation.Score(series, lstm, m);
        double owaSeasonal = M4Evaluation.Owa(seasonal, naive2), owa = M4Evaluation.Owa(ours, naive2);
        output.WriteLine($"40 series: seasonal naive sMAPE {seasonal.Smape:F3} MASE {seasonal.Mase:F3} OWA {owaSeasonal:F3}; " +
            $"ForecastByLstm sMAPE {ours.Smape:F3} MASE {ours.Mase:F3} OWA {owa:F3}; fit {seconds:F1} s");
        Assert.True(owa < OwaFloor, $"OWA {owa:F3} (seasonal naive {owaSeasonal:F3})");
        Assert.True(ours.Mase < seasonal.Mase, $"MASE {ours.Mase:F3} vs seasonal naive {seasonal.Mase:F3}");
    }

    /// <summary>Measured 2026-12-01 (seed 1): ForecastByLstm sMAPE 4.789, MASE 0.914, OWA 0.897 on these 40 series, where
    /// seasonal naive has 5.707 / 1.109 / 1.078; the floor keeps a margin and still asserts a clear win.</summary>
    private const double OwaFloor = 0.97;

    private sealed class M4Row
    {
        public string Id { get; set; } = string.Empty;

        public float Value { get; set; }
    }
}
