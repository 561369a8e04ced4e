using System.Text.Json;
using LstmMlNet.Forecasting;
using LstmMlNet.Tests.Infrastructure;
using Microsoft.ML;
using Xunit.Abstractions;

namespace LstmMlNet.Tests.Forecasting;

/// <summary>The calibration scores Fit keeps (<see cref="ConformalScores"/>): half-widths at any level, equal to Fit's rule,
/// bounded error when subsampled, quantiles, the saved form, and the coverage of several levels on a held-out stretch.</summary>
public sealed class ConformalScoresTests(ITestOutputHelper output)
{
    private static readonly float[] Levels = { 0.5f, 0.8f, 0.9f, 0.95f, 0.99f };

    /// <summary>[step][window] scores ≥ 0 (absolute Gaussian-like values with ties).</summary>
    private static float[][] Random(int steps, int n, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, steps).Select(k => Enumerable.Range(0, n).Select(_ =>
        {
            double u = random.NextDouble();
            return u < 0.02 ? 0f : MathF.Round((float)(-Math.Log(1 - u) * (k + 1)), 3); // some zeros and ties
        }).ToArray()).ToArray();
    }

    /// <summary>Fit's rule before <see cref="ConformalScores"/> (ForecastCalibration.Calibrate), written out.</summary>
    private static float[] OldRule(float[][] scores, float level)
    {
        int n = scores[0].Length;
        int rank = (int)Math.Ceiling((n + 1) * (double)level);
        return scores.Select(step => step.Order().ElementAt(rank - 1)).ToArray();
    }

    [Theory]
    [InlineData(20)]
    [InlineData(101)]
    [InlineData(2048)]
    public void Up_to_2048_windows_every_level_is_the_old_rule_bit_for_bit(int n)
    {
        float[][] scores = Random(4, n, seed: n);
        var kept = new ConformalScores(scores);
        Assert.Equal(n, kept.Count);
        Assert.Equal(4, kept.Horizon);
        foreach (float level in Levels.Where(l => Math.Ceiling((n + 1) * (double)l) <= n))
        {
            Assert.Equal(OldRule(scores, level), kept.HalfWidths(level));
            for (int k = 0; k < 4; k++) Assert.Equal(OldRule(scores, level)[k], kept.HalfWidth(k, level));
        }
        // Every rank is exact.
        for (int k = 0; k < 4; k++)
        {
            float[] sorted = scores[k].Order().ToArray();
            for (int r = 1; r <= n; r++) Assert.Equal(sorted[r - 1], kept.Smallest(k, r));
        }
    }

    [Theory]
    [InlineData(4095)] // n − 1 = 2·2047: every odd rank is kept
    [InlineData(10_000)]
    [InlineData(77_777)]
    public void Beyond_2048_windows_kept_ranks_are_exact_and_the_others_within_their_neighbours(int n)
    {
        float[][] scores = Random(2, n, seed: 7);
        var kept = new ConformalScores(scores);
        Assert.Equal(ConformalScores.MaximumKept, kept.ToForm().OrderStatistics[0].Length);
        int gap = (int)Math.Ceiling((n - 1) / (double)(ConformalScores.MaximumKept - 1));
        int[] ranks = Enumerable.Range(0, ConformalScores.MaximumKept).Select(i => ConformalScores.KeptRank(n, i)).ToArray();
        Assert.Equal(1, ranks[0]);
        Assert.Equal(n, ranks[^1]);
        Assert.All(ranks.Zip(ranks.Skip(1)), p => Assert.InRange(p.Second - p.First, 1, gap));
        for (int k = 0; k < 2; k++)
        {
            float[] sorted = scores[k].Order().ToArray();
            foreach (int r in ranks) Assert.Equal(sorted[r - 1], kept.Smallest(k, r));
            for (int i = 0; i + 1 < ranks.Length; i++)
            {
                float low = sorted[ranks[i] - 1], high = sorted[ranks[i + 1] - 1];
                for (int r = ranks[i]; r <= ranks[i + 1]; r++)
                {
                    float v = kept.Smallest(k, r);
                    Assert.InRange(v, low, high); // the documented bound: |v − exact| ≤ high − low
                    Assert.True(Math.Abs(v - sorted[r - 1]) <= high - low);
                }
            }
            // Fit's own level: exact when its rank is kept, else within the neighbours' gap.
            foreach (float level in Levels)
            {
                int rank = ConformalScores.Rank(n, level);
                float exact = OldRule(scores, level)[k];
                int i = Array.FindLastIndex(ranks, x => x <= rank);
                if (ranks[i] == rank) Assert.Equal(exact, kept.HalfWidth(k, level));
                else Assert.True(Math.Abs(kept.HalfWidth(k, level) - exact) <= sorted[ranks[i + 1] - 1] - sorted[ranks[i] - 1]);
            }
        }
    }

    [Theory]
    [InlineData(60)]
    [InlineData(5000)]
    public void Half_widths_grow_with_the_level(int n)
    {
        var kept = new ConformalScores(Random(3, n, seed: 3));
        double[] levels = Enumerable.Range(1, 999).Select(i => i / 1000.0).Where(l => l <= kept.MaximumLevel).ToArray();
        for (int k = 0; k < 3; k++)
        {
            float[] q = levels.Select(l => kept.HalfWidth(k, l)).ToArray();
            Assert.All(q.Zip(q.Skip(1)), p => Assert.True(p.First <= p.Second));
        }
    }

    [Fact]
    public void Levels_outside_the_unit_interval_or_above_what_the_windows_support_are_refused_by_name()
    {
        var kept = new ConformalScores(Random(2, 19, seed: 1));
        Assert.Equal(0.95, kept.MaximumLevel, 12);
        foreach (double bad in new[] { 0.0, 1.0, double.NaN, -0.1, 1.5 })
        {
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => kept.HalfWidths(bad));
            Assert.Equal("level", e.ParamName);
            Assert.Contains(FormattableString.Invariant($"The level {bad} is not in (0, 1)"), e.Message, StringComparison.Ordinal);
        }
        Assert.Equal(2, kept.HalfWidths(0.95).Length); // rank 19 of 19
        Assert.True(kept.Supports(0.95));
        Assert.False(kept.Supports(0.96));
        var high = Assert.Throws<ArgumentOutOfRangeException>(() => kept.HalfWidth(0, 0.96));
        Assert.Equal("level", high.ParamName);
        Assert.Contains("Only 19 calibration windows for level 0.96", high.Message, StringComparison.Ordinal);
        Assert.Contains("need at least 24", high.Message, StringComparison.Ordinal);
        Assert.Contains("support levels up to 0.95 ", high.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConformalScores(new[] { Array.Empty<float>() }).HalfWidths(0.5)); // no window
    }

    [Fact]
    public void A_quantile_is_a_bound_of_the_symmetric_interval()
    {
        Assert.Equal((0.9, -1), Round(ConformalScores.ForQuantile(0.05)));
        Assert.Equal((0.95, 1), Round(ConformalScores.ForQuantile(0.975)));
        Assert.Equal((0.6, 1), Round(ConformalScores.ForQuantile(0.8)));
        Assert.Equal((0.0, 0), ConformalScores.ForQuantile(0.5));
        foreach (double bad in new[] { 0.0, 1.0, double.NaN })
            Assert.Equal("tau", Assert.Throws<ArgumentOutOfRangeException>(() => ConformalScores.ForQuantile(bad)).ParamName);

        var kept = new ConformalScores(Random(3, 200, seed: 2));
        Assert.Equal(kept.HalfWidths(0.9).Select(q => -q), kept.QuantileOffsets(0.05));
        Assert.Equal(kept.HalfWidths(0.9), kept.QuantileOffsets(0.95));
        Assert.Equal(new float[3], kept.QuantileOffsets(0.5));

        float[] forecast = { 10f, 12f, 15f };
        foreach (ForecastTargetTransform transform in new[] { ForecastTargetTransform.None, ForecastTargetTransform.Log1p })
        {
            var (lower, upper) = ConformalBounds.Bounds(forecast, 0.3f, kept.HalfWidths(0.9), transform);
            Assert.Equal(lower, ConformalBounds.Shift(forecast, 0.3f, kept.QuantileOffsets(0.05), transform));
            Assert.Equal(upper, ConformalBounds.Shift(forecast, 0.3f, kept.QuantileOffsets(0.95), transform));
            Assert.Equal(forecast, ConformalBounds.Shift(forecast, 0.3f, kept.QuantileOffsets(0.5), transform));
            float[] median = ConformalBounds.Shift(forecast, 0.3f, kept.QuantileOffsets(0.6), transform);
            Assert.All(Enumerable.Range(0, 3), k => Assert.InRange(median[k], forecast[k], upper[k]));
        }
        static (double, int) Round((double Level, int Side) x) => (Math.Round(x.Level, 12), x.Side);
    }

    [Theory]
    [InlineData(ForecastTargetTransform.None)]
    [InlineData(ForecastTargetTransform.Log1p)]
    public void Bounds_are_the_adaptive_bounds_arithmetic_bit_for_bit(ForecastTargetTransform transform)
    {
        float[] q = { 0.7f, 1.3f, 2.9f, 4.1f };
        float[] forecast = { 3.5f, 120.25f, 0.75f, 48f };
        var adaptive = new AdaptiveBounds(q, 0.9f, 0.05);
        var (l1, u1) = adaptive.IssueBounds(forecast, 1.7f, transform);
        var (l2, u2) = ConformalBounds.Bounds(forecast, 1.7f, q, transform);
        Assert.Equal(l1, l2);
        Assert.Equal(u1, u2);
        Assert.Throws<ArgumentException>(() => ConformalBounds.Bounds(forecast, 1f, q[..3], transform));
    }

    [Theory]
    [InlineData(37)]
    [InlineData(3000)]
    public void The_form_round_trips_through_json_and_answers_the_same(int n)
    {
        var kept = new ConformalScores(Random(3, n, seed: 11));
        string json = JsonSerializer.Serialize(kept.ToForm());
        ConformalScoresForm form = JsonSerializer.Deserialize<ConformalScoresForm>(json)!;
        Assert.Null(ConformalScores.Problem(form, 3));
        var back = ConformalScores.FromForm(form, 3);
        Assert.Equal(n, back.Count);
        foreach (double level in new[] { 0.1, 0.5, 0.8, 0.9, 0.95 }) Assert.Equal(kept.HalfWidths(level), back.HalfWidths(level));
        for (int r = 1; r <= n; r += Math.Max(1, n / 97)) Assert.Equal(kept.Smallest(2, r), back.Smallest(2, r));
    }

    [Fact]
    public void Problem_names_what_is_wrong_with_a_corrupt_form()
    {
        ConformalScoresForm Good() => new ConformalScores(Random(2, 10, seed: 4)).ToForm();
        ConformalScoresForm Edited(Action<float[][]> edit)
        {
            ConformalScoresForm f = Good();
            edit(f.OrderStatistics);
            return f;
        }
        Assert.Null(ConformalScores.Problem(Good(), 2));
        Assert.Contains("no conformal scores", ConformalScores.Problem(null, 2), StringComparison.Ordinal);
        Assert.Contains("horizon 3 needs 3", ConformalScores.Problem(Good(), 3), StringComparison.Ordinal);
        Assert.Contains("negative", ConformalScores.Problem(Good() with { Count = -1 }, 2), StringComparison.Ordinal);
        Assert.Contains("10 windows need 10", ConformalScores.Problem(Edited(v => v[1] = v[1][..9]), 2), StringComparison.Ordinal);
        Assert.Contains("11 windows need 11", ConformalScores.Problem(Good() with { Count = 11 }, 2), StringComparison.Ordinal);
        Assert.Contains("step 2 holds 0", ConformalScores.Problem(Edited(v => v[1] = null!), 2), StringComparison.Ordinal);
        Assert.Contains("not a finite value", ConformalScores.Problem(Edited(v => v[0][3] = float.NaN), 2), StringComparison.Ordinal);
        Assert.Contains("not a finite value", ConformalScores.Problem(Edited(v => v[0][9] = float.PositiveInfinity), 2), StringComparison.Ordinal);
        Assert.Contains("not a finite value", ConformalScores.Problem(Edited(v => v[0][0] = -1f), 2), StringComparison.Ordinal);
        Assert.Contains("not in ascending order", ConformalScores.Problem(Edited(v => (v[1][2], v[1][7]) = (v[1][7] + 1f, v[1][2])), 2), StringComparison.Ordinal);
        Assert.Contains("2048", ConformalScores.Problem(new ConformalScoresForm(5000, new[] { new float[5000] }), 1), StringComparison.Ordinal);
        Assert.Contains("not in ascending order", Assert.Throws<ArgumentException>(() => ConformalScores.FromForm(Edited(v => v[0][0] = 99f), 2)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_fit_keeps_its_scores_and_its_half_widths_are_theirs_at_its_level()
    {
        ForecastEngineTests.Point[] points = ForecastEngineTests.Points(200, 1);
        var options = new LstmForecastingOptions
        {
            InputColumnName = nameof(ForecastEngineTests.Point.Value), WindowSize = 12, Horizon = 4, Network = { HiddenSize = 16 }, Epochs = 8,
            MinimumOptimizerSteps = 0, Seed = 2, ConfidenceLevel = 0.9f,
        };
        var ml = new MLContext(seed: 1);
        LstmForecastingTransformer model = ml.Forecasting.ForecastByLstm(options).Fit(ml.Data.LoadFromEnumerable(points));
        using var release = Released.After(model);
        ConformalScores scores = model.FitReport.Scores!;
        Assert.NotNull(scores);
        Assert.Equal(model.FitReport.CalibrationWindows, scores.Count);
        Assert.Equal(4, scores.Horizon);
        Assert.Equal(model.FitReport.Quantiles, scores.HalfWidths(options.ConfidenceLevel)); // bit for bit
        float[] lower = scores.HalfWidths(0.5), upper = scores.HalfWidths(scores.MaximumLevel);
        Assert.All(Enumerable.Range(0, 4), k => Assert.InRange(model.FitReport.Quantiles[k], lower[k], upper[k]));
    }

    [Fact]
    public void Fixed_half_widths_cover_about_their_level_on_a_held_out_stretch()
    {
        // A stationary seasonal series with Gaussian noise: 900 rows to fit (the last 300 are the validation tail, about 290
        // calibration windows), 1,500 held-out rows scored with the half-widths of each level around the forecasts. Without
        // the baseline guard: its scores (the larger of the network's and the baseline's errors) are conservative by design.
        var random = new Random(12);
        float Gaussian() => (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        ForecastEngineTests.Point[] points = Enumerable.Range(0, 2400)
            .Select(t => new ForecastEngineTests.Point { Value = 50f + 10f * MathF.Sin(2 * MathF.PI * t / 12) + 2f * Gaussian() }).ToArray();
        const int fitRows = 900, h = 3;
        var options = new LstmForecastingOptions
        {
            InputColumnName = nameof(ForecastEngineTests.Point.Value), WindowSize = 24, Horizon = h, Seasonality = 12, Network = { HiddenSize = 8 },
            Epochs = 3, MinimumOptimizerSteps = 0, Seed = 4, ValidationTailLength = 300, IntervalMethod = ForecastIntervalMethod.SplitConformal, BaselineGuard = false,
        };
        var ml = new MLContext(seed: 1);
        LstmForecastingTransformer model = ml.Forecasting.ForecastByLstm(options).Fit(ml.Data.LoadFromEnumerable(points[..fitRows]));
        using var release = Released.After(model);
        var (values, _, _) = model.Score(ml.Data.LoadFromEnumerable(points));
        ConformalScores scores = model.FitReport.Scores!;
        foreach (double level in new[] { 0.8, 0.95 })
        {
            float[] q = scores.HalfWidths(level);
            int inside = 0, all = 0;
            for (int t = fitRows; t + h <= points.Length; t++)
            {
                var (l, u) = ConformalBounds.Bounds(values[0][t], values[3][t][0], q, model.FitReport.TargetTransform);
                for (int k = 0; k < h; k++, all++) inside += points[t + k].Value >= l[k] && points[t + k].Value <= u[k] ? 1 : 0;
            }
            output.WriteLine(FormattableString.Invariant($"level {level}: coverage {inside / (double)all:F3} of {all} (n = {scores.Count} calibration windows)"));
            Assert.InRange(inside / (double)all, level - 0.05, level + 0.05);
        }
    }
}
