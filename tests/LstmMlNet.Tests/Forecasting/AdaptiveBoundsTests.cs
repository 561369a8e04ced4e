using LstmMlNet.Forecasting;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit.Abstractions;

namespace LstmMlNet.Tests.Forecasting;

/// <summary>Adaptive conformal bounds: the update rule, its state through checkpoints, the engine and the backtest
/// walking forward alike, and coverage on a series that drifts after the calibration stretch.</summary>
public sealed class AdaptiveBoundsTests(ITestOutputHelper output)
{
    public sealed class Point
    {
        public float Value { get; set; }
    }

    public sealed class Bounds
    {
        public float[] Forecast { get; set; } = Array.Empty<float>();
        public float[] LowerBound { get; set; } = Array.Empty<float>();
        public float[] UpperBound { get; set; } = Array.Empty<float>();
    }

    [Fact]
    public void Miscoverage_equals_alpha_plus_the_log_ratio_of_the_half_widths_over_gamma_T()
    {
        // log q_T − log q_0 = γ·Σ(err_t − α): the identity behind the long-run guarantee, checked on one step with errors
        // of a level that jumps threefold half-way.
        var bounds = new AdaptiveBounds(new[] { 2f }, 0.9f, 0.05);
        var random = new Random(3);
        int misses = 0, n = 4000;
        for (int t = 0; t < n; t++)
        {
            float q = bounds.Issue(new[] { 0f }, 1f)[0];
            float error = (float)(random.NextDouble() * 2 - 1) * (t < n / 2 ? 2f : 6f);
            if (Math.Abs(error) > q) misses++;
            bounds.Observe(error);
        }
        double expected = 0.1 + Math.Log(bounds.Quantiles[0] / 2.0) / (0.05 * n);
        Assert.Equal(expected, (double)misses / n, 3);
        Assert.InRange(bounds.Quantiles[0], 4.5f, 6.5f); // the 90% quantile of |U(−6, 6)| is 5.4
    }

    [Fact]
    public void Each_step_is_scored_when_its_observation_arrives_against_the_half_width_it_was_issued_with()
    {
        var bounds = new AdaptiveBounds(new[] { 1f, 1f, 1f }, 0.5f, 0.1);
        bounds.Issue(new[] { 0f, 0f, 0f }, 1f);                   // origin 0: steps 1..3 forecast observations 0, 1, 2
        bounds.Observe(5f);                                        // observation 0: step 1 misses
        Assert.Equal(new[] { (float)Math.Exp(0.05), 1f, 1f }, bounds.Quantiles);
        Assert.Equal(1f, bounds.Issue(new[] { 5f, 5f, 5f }, 1f)[1]); // origin 1, issued with q_2 = 1
        bounds.Observe(5f);                                        // observation 1: origin 0 step 2 misses, origin 1 step 1 hits
        Assert.Equal(1f, bounds.Quantiles[0], 6);
        Assert.Equal(Math.Exp(0.05), bounds.Quantiles[1], 6);
        Assert.Equal(1f, bounds.Quantiles[2], 6);
        Assert.False(bounds.IssuedAtOrigin);
        AdaptiveBoundsState state = bounds.State();
        Assert.Equal(2, state.Observed);
        Assert.Equal(new long[] { 0, 1 }, state.Pending.Select(p => p.Origin));
        Assert.Null(AdaptiveBounds.Problem(state, 3));
        Assert.NotNull(AdaptiveBounds.Problem(state, 4));
        Assert.NotNull(AdaptiveBounds.Problem(state with { Quantiles = new[] { 1f, float.NaN, 1f } }, 3));
    }

    /// <summary>Level 30 with a daily cycle and noise 1 for <paramref name="before"/> steps, then the level falls to 10 and
    /// the noise rises to 3 (the cycle scales with the level).</summary>
    internal static Point[] Drifting(int before, int after, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, before + after).Select(t =>
        {
            bool late = t >= before;
            float level = late ? 10f : 30f, noise = late ? 3f : 1f;
            double gaussian = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            return new Point { Value = level * (1f + 0.3f * MathF.Sin(2 * MathF.PI * t / 24)) + noise * (float)gaussian };
        }).ToArray();
    }

    private static LstmForecastingOptions Options(ForecastIntervalMethod method) => new()
    {
        InputColumnName = nameof(Point.Value), Horizon = 6, Seasonality = 24, Network = { HiddenSize = 32 }, Epochs = 30, Seed = 1, IntervalMethod = method,
    };

    /// <summary>Coverage of every step of the forecasts made at each of <paramref name="steps"/> origins after the training
    /// data, the engine updated with each observation after its forecast; also the mean width.</summary>
    private static (double Coverage, double Width, double[] PerStep) Walk(LstmForecastingOptions options, Point[] train, Point[] test, int steps)
    {
        var ml = new MLContext(seed: 1);
        var model = ml.Forecasting.ForecastByLstm(options).Fit(ml.Data.LoadFromEnumerable(train));
        using var engine = model.CreateForecastEngine<Point, Bounds>(ml);
        int h = options.Horizon, inside = 0, count = 0;
        var stepInside = new int[h];
        var stepCount = new int[h];
        double width = 0;
        for (int t = 0; t < steps; t++)
        {
            Bounds b = engine.Predict();
            for (int k = 0; k < h && t + k < test.Length; k++)
            {
                float y = test[t + k].Value;
                bool covered = y >= b.LowerBound[k] && y <= b.UpperBound[k];
                inside += covered ? 1 : 0;
                stepInside[k] += covered ? 1 : 0;
                stepCount[k]++;
                count++;
                width += b.UpperBound[k] - b.LowerBound[k];
            }
            engine.Update(test[t]);
        }
        return ((double)inside / count, width / count, stepInside.Select((v, k) => (double)v / stepCount[k]).ToArray());
    }

    [Fact]
    public void Bounds_keep_their_coverage_over_2000_steps_after_the_level_and_noise_change_threefold()
    {
        Point[] points = Drifting(720, 2006, seed: 5);
        Point[] train = points[..720], test = points[720..];
        var adaptive = Walk(Options(ForecastIntervalMethod.Adaptive), train, test, 2000);
        var fixedBounds = Walk(Options(ForecastIntervalMethod.SplitConformal), train, test, 2000);
        output.WriteLine($"adaptive: coverage {adaptive.Coverage:F4} width {adaptive.Width:F3} per step {string.Join(" ", adaptive.PerStep.Select(c => c.ToString("F3")))}");
        output.WriteLine($"split-conformal: coverage {fixedBounds.Coverage:F4} width {fixedBounds.Width:F3} per step {string.Join(" ", fixedBounds.PerStep.Select(c => c.ToString("F3")))}");
        Assert.InRange(adaptive.Coverage, 0.92, 0.97);
    }

    [Fact]
    public void With_the_level_as_the_unit_the_bounds_collapse_and_adaptation_restores_their_coverage()
    {
        // The unit before this version: the window's mean absolute value. The level falls threefold and the noise rises
        // threefold, so the errors in that unit grow ninefold and fixed bounds cover far less than 95%.
        Point[] points = Drifting(720, 2006, seed: 5);
        Point[] train = points[..720], test = points[720..];
        LstmForecastingOptions Old(ForecastIntervalMethod method)
        {
            LstmForecastingOptions o = Options(method);
            o.Scaling = ForecastScaling.WindowMean;
            o.IntervalScale = ForecastIntervalScale.NetworkScale;
            return o;
        }
        var adaptive = Walk(Old(ForecastIntervalMethod.Adaptive), train, test, 2000);
        var fixedBounds = Walk(Old(ForecastIntervalMethod.SplitConformal), train, test, 2000);
        output.WriteLine($"adaptive: coverage {adaptive.Coverage:F4} width {adaptive.Width:F3}; split-conformal: coverage {fixedBounds.Coverage:F4} width {fixedBounds.Width:F3}");
        Assert.True(fixedBounds.Coverage < 0.85, $"split-conformal coverage {fixedBounds.Coverage:F4}");
        Assert.InRange(adaptive.Coverage, 0.92, 0.97);
    }

    [Fact]
    public void Split_conformal_bounds_stay_as_calibrated_and_equal_the_saved_model_s()
    {
        Point[] points = Drifting(400, 60, seed: 8);
        LstmForecastingOptions o = Options(ForecastIntervalMethod.SplitConformal);
        o.Epochs = 3;
        var ml = new MLContext(seed: 1);
        var model = ml.Forecasting.ForecastByLstm(o).Fit(ml.Data.LoadFromEnumerable(points[..400]));
        float[][] upper = model.Transform(ml.Data.LoadFromEnumerable(points)).GetColumn<float[]>("UpperBound").ToArray();
        using var engine = model.CreateForecastEngine<Point, Bounds>(ml);
        for (int t = 400; t < 460; t++)
        {
            Assert.Equal(upper[t], engine.Predict().UpperBound);
            engine.Update(points[t]);
        }
        Assert.Equal(model.FitReport.Quantiles, engine.IntervalHalfWidths);
    }

    /// <summary>A checkpoint whose bounds state holds a negative half-width fails to load, naming the file and the fault.</summary>
    private static void AssertCorruptStateIsRejected(string path)
    {
        string copy = path + ".corrupt.zip";
        File.Copy(path, copy);
        try
        {
            CheckpointEdit.RewriteState(copy, json =>
            {
                // The first half-width of the bounds state becomes −1.
                const string field = "\"Quantiles\":[";
                int at = json.IndexOf(field, StringComparison.Ordinal) + field.Length;
                Assert.True(at >= field.Length, "the state holds the bounds' half-widths");
                return json[..at] + "-1," + json[(at + json[at..].IndexOf(',') + 1)..];
            });
            var error = Assert.Throws<InvalidDataException>(() => LstmForecastEngine.Load<Point, Bounds>(new MLContext(), copy));
            Assert.Contains(copy, error.Message);
            Assert.Contains("half-width", error.Message);
        }
        finally
        {
            File.Delete(copy);
        }
    }

    [Fact]
    public void The_backtest_walks_forward_with_the_engine_s_bounds_and_a_checkpoint_keeps_the_state()
    {
        Point[] points = Drifting(400, 100, seed: 7);
        LstmForecastingOptions o = Options(ForecastIntervalMethod.Adaptive);
        o.Epochs = 5;
        var ml = new MLContext(seed: 1);
        ForecastBacktestResult backtest = ForecastBacktest.Run(ml, o, ml.Data.LoadFromEnumerable(points), firstOrigin: 400);
        using var engine = backtest.LastModel.CreateForecastEngine<Point, Bounds>(ml);
        string path = Path.Combine(Path.GetTempPath(), $"lstm-adaptive-{Guid.NewGuid():N}.zip");
        try
        {
            for (int t = 400; t + o.Horizon <= points.Length; t++)
            {
                if (t == 450)
                {
                    // Half-way: checkpoint, load, and go on with the loaded engine; its half-widths and pending forecasts came along.
                    engine.CheckPoint(path);
                    using var loaded = LstmForecastEngine.Load<Point, Bounds>(new MLContext(), path);
                    Assert.Equal(engine.IntervalHalfWidths, loaded.IntervalHalfWidths);
                    for (int u = t; u < t + 10; u++)
                    {
                        loaded.Update(points[u]);
                        engine.Update(points[u]);
                    }
                    Assert.Equal(engine.IntervalHalfWidths, loaded.IntervalHalfWidths);
                    Assert.Equal(engine.Predict().UpperBound, loaded.Predict().UpperBound);
                    t += 9;
                    AssertCorruptStateIsRejected(path);
                    continue;
                }
                Bounds b = engine.Predict();
                BacktestForecast[] row = backtest.Forecasts.Where(f => f.Origin == t).OrderBy(f => f.Step).ToArray();
                Assert.Equal(b.Forecast, row.Select(f => f.Forecast));
                Assert.Equal(b.LowerBound, row.Select(f => f.Lower));
                Assert.Equal(b.UpperBound, row.Select(f => f.Upper));
                engine.Update(points[t]);
            }
        }
        finally
        {
            File.Delete(path);
        }
        Assert.NotEqual(backtest.LastModel.FitReport.Quantiles, engine.IntervalHalfWidths); // they moved
    }
}
