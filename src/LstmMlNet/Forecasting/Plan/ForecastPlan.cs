using System.Globalization;

namespace LstmMlNet.Forecasting;

/// <summary>
/// Everything one Fit of the forecaster decided before training, made once by <see cref="ForecastPlanner"/> from the
/// options and the training series: the only place where an automatic option becomes a value. The windows, the
/// objective, the calibration, the ONNX export, the transformer, the engines and the backtest read the plan; the options
/// are never written.
/// </summary>
/// <param name="Request">The options as asked for (a private copy taken when Fit began, validated, never written): column
/// names, the confidence level, the interval method and everything else that is not resolved. Automatic values (a window
/// of 0, season 0, Automatic scaling) stay as asked here; their values are in <paramref name="Layout"/> and
/// <paramref name="Training"/>.</param>
/// <param name="Layout">The arithmetic between observations and the network (<see cref="ForecastLayout"/>): window,
/// horizon, season, baseline, seasonal inputs, calendar and step, scaling and the training statistics. The network weight
/// of the baseline guard is set after training (<see cref="WithGuard"/>).</param>
/// <param name="Tails">The validation tail of each series (observations held out at its end), in series order.</param>
/// <param name="Training">The training loop's schedule: the request's settings with the resolved epochs, windows per
/// epoch and weight decay.</param>
/// <param name="Seed">The seed of the fit (the request's, or drawn from the ML.NET environment).</param>
internal sealed record ForecastPlan(LstmForecastingOptions Request, ForecastLayout Layout, int[] Tails, TrainingOptions Training, int Seed)
{
    /// <summary>The plan with the baseline guard's weight α of the network's correction (1 = the network alone) and weight
    /// γ of the other simple forecast (<see cref="ForecastLayout.AlternativeWeight"/>; 0 = none).</summary>
    public ForecastPlan WithGuard(float weight, float alternativeWeight = 0f) =>
        this with { Layout = Layout with { NetworkWeight = weight, AlternativeWeight = alternativeWeight } };

    /// <summary>The plan in one line for the log: every resolved value.</summary>
    public override string ToString()
    {
        ForecastLayout l = Layout;
        string baseline = l.SeasonalPeriod > 0 ? $"seasonal naive (period {l.SeasonalPeriod})" : "last value";
        return string.Create(CultureInfo.InvariantCulture,
            $"window {l.WindowSize}, horizon {l.Horizon}, season {l.Season}, baseline {baseline}, seasonal inputs {l.SeasonalLags}, " +
            $"scaling {l.Scaling}, interval scale {l.IntervalScale}, calendar {l.Calendar}{(l.StepTicks > 0 ? $" (step {TimeSpan.FromTicks(l.StepTicks)})" : string.Empty)}, " +
            $"covariates {l.Covariates} + past {l.PastCovariates}, frame {l.FrameSize} values × {l.Steps} steps, validation tails {Tails.Min()}–{Tails.Max()}, " +
            $"epochs {Training.Epochs} × {(Training.RowsPerEpoch > 0 ? Training.RowsPerEpoch.ToString(CultureInfo.InvariantCulture) : "all")} windows, weight decay {Training.WeightDecay:G3}, {(Training.RestoreBestWeights ? $"best epoch (patience {Training.EarlyStoppingPatience})" : "last epoch")}, seed {Seed}");
    }
}
