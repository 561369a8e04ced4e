using System.Diagnostics;
using LstmMlNet.Forecasting;
using Microsoft.ML;
using Xunit.Abstractions;

namespace LstmMlNet.Tests.Forecasting;

/// <summary>
/// The airline series under the protocol of Darts' RNNModel example (examples/04-RNN-examples): one model trained on
/// the data to 1958-12 (here exactly rows 0..119; Darts' <c>split_after(1959-01-01)</c> also keeps 1959-01), then
/// <c>historical_forecasts(start=1959-01, forecast_horizon=6, retrain=False)</c> with its defaults stride 1 and
/// <c>last_points_only=True</c>: forecasts from origins 1959-01 … 1960-07, and for each of 1959-06 … 1960-12 (19 months)
/// the 6-step-ahead forecast made 6 months before; MAPE = mean of 100·|a − f| / |a| over those 19. Darts reports 2.71%
/// (LSTM, hidden 20, input chunk 14, 300 epochs, year + one-hot month covariates).
/// </summary>
public sealed class AirlineBacktestTests(ITestOutputHelper output)
{
    private const int Horizon = 6;

    private static LstmForecastingOptions Options(ForecastTargetTransform transform, bool covariates) => new()
    {
        InputColumnName = nameof(AirMonth.Passengers), Horizon = Horizon, Seed = 1, TargetTransform = transform,
        CovariateColumnNames = covariates ? AirlineData.Covariates : Array.Empty<string>(),
    };

    /// <summary>MAPE of a baseline over the Darts points: for target t (6 steps ahead, origin t − 5), the value at t − lag.</summary>
    private static double BaselineMape(AirMonth[] months, int lag)
    {
        int[] targets = Enumerable.Range(AirlineData.FirstOf1959 + Horizon - 1, months.Length - (AirlineData.FirstOf1959 + Horizon - 1)).ToArray();
        return ForecastMetrics.MeanAbsolutePercentageError(targets.Select(t => months[t].Passengers).ToArray(), targets.Select(t => months[t - lag].Passengers).ToArray());
    }

    private (BacktestMetrics Step6, BacktestMetrics Overall, ForecastTargetTransform Transform) Backtest(AirMonth[] months, LstmForecastingOptions options, string name)
    {
        var ml = new MLContext(seed: 1);
        var clock = Stopwatch.StartNew();
        ForecastBacktestResult result = ForecastBacktest.Run(ml, options, ml.Data.LoadFromEnumerable(months), AirlineData.FirstOf1959, seasonality: 12);
        Assert.Equal(19, result.Steps[Horizon - 1].Count);
        Assert.Equal(AirlineData.FirstOf1959 + Horizon - 1, result.AtStep(Horizon)[0].Target); // 1959-06
        ForecastTargetTransform transform = result.LastModel.FitReport.TargetTransform;
        output.WriteLine($"{name}: 6-step (Darts points) {result.Steps[Horizon - 1]} | all steps {result.Overall} | transform {transform} | {clock.Elapsed.TotalSeconds:F1} s");
        return (result.Steps[Horizon - 1], result.Overall, transform);
    }

    [Fact]
    public void Darts_protocol_figures()
    {
        AirMonth[] months = AirlineData.Months();
        Assert.Equal(144, months.Length);
        Assert.Equal(112f, months[0].Passengers);
        Assert.Equal(432f, months[^1].Passengers);
        double naive = BaselineMape(months, Horizon);
        double seasonal = BaselineMape(months, 12);
        output.WriteLine($"naive (last value at the origin) MAPE {naive:F2}%; seasonal naive (same month last year) MAPE {seasonal:F2}%; Darts RNNModel 2.71%");
        var plain = Backtest(months, Options(ForecastTargetTransform.Automatic, false), "defaults (automatic W, h=6)");
        var untransformed = Backtest(months, Options(ForecastTargetTransform.None, false), "defaults, TargetTransform None");
        LstmForecastingOptions documented = Options(ForecastTargetTransform.None, false); // the best documented options (with Automatic: 2.77%)
        documented.Scaling = ForecastScaling.WindowMean;
        documented.Epochs = 300;
        var best = Backtest(months, documented, "Scaling WindowMean, 300 epochs");
        Assert.Equal(22.33, naive, 2);
        Assert.Equal(10.71, seasonal, 2);
        // Measured (seed 1, 2026-12-07): defaults (season 12 detected, W 24, seasonal naive baseline, seasonal-change
        // scale, the automatic transform choosing Log1p) MAPE 3.20% at the Darts points (3.23% over all steps, coverage
        // 0.974); without the transform 3.79% (3.61%, 0.921); WindowMean + 300 epochs without it 2.37%. Darts' RNNModel:
        // 2.71%; before the seasonal defaults (W 14, window-mean scale, last-value baseline) 7.08%.
        Assert.Equal(ForecastTargetTransform.Log1p, plain.Transform); // passengers: the spread grows with the level
        Assert.Equal(ForecastTargetTransform.None, untransformed.Transform);
        Assert.True(plain.Step6.MeanAbsolutePercentageError < 3.6, plain.Step6.ToString());
        Assert.True(plain.Step6.MeanAbsolutePercentageError < untransformed.Step6.MeanAbsolutePercentageError, $"{plain.Step6} vs {untransformed.Step6}");
        Assert.True(untransformed.Step6.MeanAbsolutePercentageError < 5.5, untransformed.Step6.ToString());
        Assert.True(plain.Step6.MeanAbsolutePercentageError < seasonal && plain.Step6.MeanAbsolutePercentageError < naive, plain.Step6.ToString());
        Assert.True(plain.Overall.Coverage >= 0.93 && untransformed.Overall.Coverage >= 0.9, $"{plain.Overall} | {untransformed.Overall}");
        Assert.True(best.Step6.MeanAbsolutePercentageError < 3.0, best.Step6.ToString());
    }

    /// <summary>Measured once for the docs (about 3 minutes under load): covariates, and Darts' own model settings.
    /// Measured (seed 1, before <see cref="LstmForecastingOptions.MinimumOptimizerSteps"/>, i.e. 60 epochs): covariates
    /// 14.29%, covariates + Log1p 16.60%, Darts' settings 6.79%, Darts' settings + covariates 15.89% (MAPE at the Darts
    /// points; Darts' settings run 1500 optimiser steps, so the floor does not change them).</summary>
    [Fact(Skip = "Figures for the docs, about 3 minutes: remove Skip to re-measure.")]
    public void Darts_protocol_variants()
    {
        AirMonth[] months = AirlineData.Months();
        Backtest(months, Options(ForecastTargetTransform.None, true), "defaults + year/month covariates");
        Backtest(months, Options(ForecastTargetTransform.Log1p, true), "defaults + year/month covariates + Log1p");
        Backtest(months, IssueFiveDefaults(Options(ForecastTargetTransform.None, false)), "issue 5's defaults (W 14)");
        foreach (bool covariates in new[] { false, true })
        {
            LstmForecastingOptions darts = Options(ForecastTargetTransform.None, covariates);
            darts.Network.HiddenSize = 20;
            darts.Epochs = 300;
            darts.BatchSize = 16;
            Backtest(months, darts, $"Darts' model settings (hidden 20, 300 epochs, batch 16){(covariates ? " + year/month covariates" : string.Empty)}");
        }
    }

    /// <summary>What issue 5's hypotheses gave (seed 1, MAPE at the Darts points / over all steps / coverage of all
    /// steps; measured 2026-11-30 on a loaded 2-core machine, about 3–6 minutes each). See <see cref="IssueFiveTable"/>.</summary>
    public static readonly (string Name, Action<LstmForecastingOptions> Change)[] IssueFiveVariants =
    {
        // Measured: 9.11% / 7.70% / 1.000 and with Log1p 15.88% / 13.56% / 1.000.
        ("former defaults: 60 epochs (MinimumOptimizerSteps 0)", o => o.MinimumOptimizerSteps = 0),
        ("former defaults + Log1p", o => { o.MinimumOptimizerSteps = 0; o.TargetTransform = ForecastTargetTransform.Log1p; }),
        ("150 epochs", o => { o.MinimumOptimizerSteps = 0; o.Epochs = 150; }), // 6.09% / 4.91% / 0.991
        ("defaults (MinimumOptimizerSteps 500: 167 epochs here)", _ => { }), // 7.08% / 5.93% / 1.000
        ("defaults + Log1p", o => o.TargetTransform = ForecastTargetTransform.Log1p), // 11.53% / 8.89% / 1.000
        ("300 epochs", o => o.Epochs = 300), // 4.70% / 4.16% / 1.000
        ("60 epochs, learning rate 3e-3", o => { o.MinimumOptimizerSteps = 0; o.LearningRate = 3e-3; }), // 8.27% / 6.23% / 1.000
        ("60 epochs, batch 16", o => { o.MinimumOptimizerSteps = 0; o.BatchSize = 16; }), // 8.97% / 6.35% / 1.000
        ("60 epochs, batch 8", o => { o.MinimumOptimizerSteps = 0; o.BatchSize = 8; }), // 9.15% / 6.53% / 1.000
        ("RefitOnAllData, 60 epochs", o => { o.MinimumOptimizerSteps = 0; o.RefitOnAllData = true; }), // 9.34% / 6.46% / 1.000
        ("RefitOnAllData", o => o.RefitOnAllData = true), // 5.37% / 4.25% / 1.000
        ("Scaling WindowChange", o => o.Scaling = ForecastScaling.WindowChange), // 5.58% / 4.70% / 0.991
        ("Log1p + Scaling WindowChange", o => { o.TargetTransform = ForecastTargetTransform.Log1p; o.Scaling = ForecastScaling.WindowChange; }), // 5.94% / 5.04% / 0.991
        ("Difference, 60 epochs", o => { o.MinimumOptimizerSteps = 0; o.TargetTransform = ForecastTargetTransform.Difference; }), // 5.33% / 5.34% / 1.000
        ("Difference", o => o.TargetTransform = ForecastTargetTransform.Difference), // 3.50% / 4.72% / 0.939
        ("Scaling Standard, 60 epochs", o => { o.MinimumOptimizerSteps = 0; o.Scaling = ForecastScaling.Standard; }), // 16.42% / 21.13% / 0.640
    };

    /// <summary>The forecasting defaults of issue 5's time: W 14, window-mean scale, squared error, last-value baseline,
    /// no seasonal inputs, every window every epoch.</summary>
    internal static LstmForecastingOptions IssueFiveDefaults(LstmForecastingOptions o)
    {
        o.WindowSize = 14;
        o.Scaling = ForecastScaling.WindowMean;
        o.Loss = ForecastLoss.SquaredError;
        o.Baseline = ForecastBaseline.LastValue;
        o.SeasonalInputs = false;
        o.WindowsPerEpoch = 0;
        return o;
    }

    /// <summary>Re-measures <see cref="IssueFiveVariants"/>; the figures are in benchmarks/README.md (Airline backtest variants).</summary>
    [Fact(Skip = "Figures for benchmarks/README.md, about 40 minutes under load: remove Skip to re-measure.")]
    public void IssueFiveTable()
    {
        AirMonth[] months = AirlineData.Months();
        foreach (var (name, change) in IssueFiveVariants)
        {
            LstmForecastingOptions options = IssueFiveDefaults(Options(ForecastTargetTransform.None, false));
            change(options);
            Backtest(months, options, name);
        }
    }
}
