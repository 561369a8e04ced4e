using LstmMlNet.Forecasting;
using LstmMlNet.Tests.Infrastructure;
using Microsoft.ML;

namespace LstmMlNet.Tests.Forecasting;

/// <summary>The automatic target transform (<see cref="ForecastTargetTransform.Automatic"/>, Guerrero's test in
/// <see cref="TransformChooser"/>): the choice on series whose spread does or does not follow their level, its guards, and
/// a Fit with Automatic that chose Log1p being the same model as a Fit that asked for it.</summary>
public sealed class TransformChooserTests
{
    /// <summary>A seasonal series (period 12) rising from 20 to about 20 + 2·n/12, with a season and noise of either a
    /// fixed size or a size proportional to the level.</summary>
    private static float[] Series(int n, bool multiplicative, int seed)
    {
        var random = new Random(seed);
        var y = new float[n];
        for (int t = 0; t < n; t++)
        {
            double level = 20 + 2.0 * t / 12;
            double season = Math.Sin(2 * Math.PI * t / 12), noise = random.NextDouble() - 0.5;
            y[t] = (float)(multiplicative ? level * (1 + 0.3 * season + 0.1 * noise) : level + 6 * season + 2 * noise);
        }
        return y;
    }

    [Fact]
    public void A_spread_that_grows_with_the_level_chooses_Log1p_and_a_fixed_spread_chooses_none()
    {
        TransformChooser.Choice multiplicative = TransformChooser.Choose(new[] { Series(240, true, 1), Series(300, true, 2) }, 12);
        Assert.Equal(ForecastTargetTransform.Log1p, multiplicative.Transform);
        Assert.Equal(2, multiplicative.Series);
        Assert.True(multiplicative.LogVariation < 0.2 * multiplicative.PlainVariation, $"{multiplicative}");

        TransformChooser.Choice additive = TransformChooser.Choose(new[] { Series(240, false, 1), Series(300, false, 2) }, 12);
        Assert.Equal(ForecastTargetTransform.None, additive.Transform);
        Assert.True(additive.LogVariation > additive.PlainVariation, $"{additive}");
        Assert.Null(additive.Reason);
    }

    [Fact]
    public void The_variations_are_the_coefficients_of_variation_of_the_blocks_spreads()
    {
        // Blocks of 2 aligned to the end: {1, 3} (mean 2, sd √2), {2, 6} (mean 4, sd 2√2); the leading 9 is left out.
        var (log, plain) = TransformChooser.Variation(new float[] { 9, 1, 3, 2, 6 }, 2);
        double[] s = { Math.Sqrt(2), 2 * Math.Sqrt(2) }, r = { s[0] / 3, s[1] / 5 };
        static double Cv(double[] x) => Math.Sqrt(x.Sum(v => (v - x.Average()) * (v - x.Average())) / (x.Length - 1)) / x.Average();
        Assert.Equal(Cv(s), plain, 12);
        Assert.Equal(Cv(r), log, 12);
        Assert.True(double.IsNaN(TransformChooser.Variation(new float[] { 1, 2, 3 }, 2).Log)); // one block: no variation
    }

    [Fact]
    public void Negative_values_or_no_usable_block_keep_the_values_as_they_are()
    {
        float[] growing = Series(240, true, 1);
        growing[17] = -0.5f;
        TransformChooser.Choice negative = TransformChooser.Choose(new[] { growing }, 12);
        Assert.Equal(ForecastTargetTransform.None, negative.Transform);
        Assert.Contains("negative", negative.Reason, StringComparison.Ordinal);

        TransformChooser.Choice flat = TransformChooser.Choose(new[] { Enumerable.Repeat(5f, 48).ToArray() }, 12);
        Assert.Equal(ForecastTargetTransform.None, flat.Transform);
        Assert.NotNull(flat.Reason);

        // A season too long for two blocks in any series: no evidence, no transform. Without a season, blocks of 2.
        Assert.Equal(ForecastTargetTransform.None, TransformChooser.Choose(new[] { Series(30, true, 1) }, 24).Transform);
        Assert.Equal(0, TransformChooser.Choose(new[] { Series(30, true, 1) }, 24).Series);
    }

    [Fact]
    public void An_automatic_fit_that_chooses_Log1p_is_the_model_a_Log1p_fit_makes_and_says_so()
    {
        var points = Series(240, true, 3).Select(v => new ForecastEngineTests.Point { Value = v }).ToArray();
        LstmForecastingOptions Options(ForecastTargetTransform transform) => new()
        {
            InputColumnName = nameof(ForecastEngineTests.Point.Value), Horizon = 6, TargetTransform = transform, Network = { HiddenSize = 8 },
            Epochs = 2, MinimumOptimizerSteps = 0, Seed = 5,
        };
        var ml = new MLContext(seed: 1);
        var messages = new List<string>();
        ml.Log += (_, e) => { if (e.Message.Contains("target transform", StringComparison.Ordinal)) messages.Add(e.Message); };
        IDataView data = ml.Data.LoadFromEnumerable(points);
        LstmForecastingTransformer automatic = ml.Forecasting.ForecastByLstm(Options(ForecastTargetTransform.Automatic)).Fit(data);
        using var releaseAutomatic = Released.After(automatic);
        LstmForecastingTransformer asked = ml.Forecasting.ForecastByLstm(Options(ForecastTargetTransform.Log1p)).Fit(data);
        using var releaseAsked = Released.After(asked);

        Assert.Equal(ForecastTargetTransform.Log1p, automatic.FitReport.TargetTransform);
        Assert.Equal(ForecastTargetTransform.Log1p, asked.FitReport.TargetTransform);
        Assert.Contains(messages, m => m.Contains("target transform Log1p", StringComparison.Ordinal));
        Assert.Equal(asked.FitReport.Seasonality, automatic.FitReport.Seasonality);
        Assert.Equal(asked.FitReport.Quantiles, automatic.FitReport.Quantiles);
        float[][] a = automatic.Score(data).Values[0], b = asked.Score(data).Values[0];
        Assert.Equal(b.Length, a.Length);
        for (int t = 0; t < a.Length; t++) Assert.Equal(b[t], a[t]); // bit for bit (NaN rows, too short for a window, alike)

        // With a covariate the same series keep their values (the window-mean scale carries the level), and the log says why.
        var withPhase = Series(240, true, 3).Select((v, t) => new ForecastEngineTests.Point { Value = v, Phase = t % 12 }).ToArray();
        LstmForecastingOptions covariate = Options(ForecastTargetTransform.Automatic);
        covariate.CovariateColumnNames = new[] { nameof(ForecastEngineTests.Point.Phase) };
        LstmForecastingTransformer withCovariate = ml.Forecasting.ForecastByLstm(covariate).Fit(ml.Data.LoadFromEnumerable(withPhase));
        using var releaseCovariate = Released.After(withCovariate);
        Assert.Equal(ForecastTargetTransform.None, withCovariate.FitReport.TargetTransform);
        Assert.Contains(messages, m => m.Contains("target transform None (a model with covariates", StringComparison.Ordinal));

        // The series as given: the untransformed Fit's report says None.
        var additive = Series(240, false, 3).Select(v => new ForecastEngineTests.Point { Value = v }).ToArray();
        LstmForecastingTransformer plain = ml.Forecasting.ForecastByLstm(Options(ForecastTargetTransform.Automatic)).Fit(ml.Data.LoadFromEnumerable(additive));
        using var releasePlain = Released.After(plain);
        Assert.Equal(ForecastTargetTransform.None, plain.FitReport.TargetTransform);
    }
}
