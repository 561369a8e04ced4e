namespace LstmMlNet;

/// <summary>
/// What <see cref="ForecastBacktest.Run(Microsoft.ML.MLContext, LstmForecastingOptions, Microsoft.ML.IDataView, int, int, int, int)"/>
/// returns: every forecast value of every origin, and the errors per horizon step and over all steps.
/// </summary>
public sealed class ForecastBacktestResult
{
    internal ForecastBacktestResult(IReadOnlyList<BacktestForecast> forecasts, IReadOnlyList<BacktestMetrics> steps, BacktestMetrics overall,
        IReadOnlyList<int> fitOrigins, LstmForecastingTransformer lastModel, int seasonality)
    {
        Seasonality = seasonality;
        Forecasts = forecasts;
        Steps = steps;
        Overall = overall;
        FitOrigins = fitOrigins;
        LastModel = lastModel;
    }

    /// <summary>All forecast values: for each series, origin (ascending) and step 1..h. Every origin has all h steps, except
    /// that a step whose row was filled into a gap in time (<see cref="LstmForecastingOptions.GapFill"/>) is left out.</summary>
    public IReadOnlyList<BacktestForecast> Forecasts { get; }

    /// <summary>Errors per horizon step: element k holds step k + 1 (h elements). With stride 1, the last element is
    /// Darts' <c>historical_forecasts(..., last_points_only=True)</c>: each row's forecast made h rows earlier.</summary>
    public IReadOnlyList<BacktestMetrics> Steps { get; }

    /// <summary>Errors over all steps of all origins.</summary>
    public BacktestMetrics Overall { get; }

    /// <summary>The origins (positions within each series) at which a model was fitted on the rows before them:
    /// one element when the backtest fits once.</summary>
    public IReadOnlyList<int> FitOrigins { get; }

    /// <summary>Season length m of the seasonal naive forecast that scales MASE (given, or the model's season).</summary>
    public int Seasonality { get; }

    /// <summary>The model of the last fit (with one fit: the model that made every forecast).</summary>
    public LstmForecastingTransformer LastModel { get; }

    /// <summary>Seconds spent in the fits (all of them), for a comparison's leaderboard.</summary>
    internal double FitSeconds { get; init; }

    /// <summary>The forecast values <paramref name="step"/> steps ahead (1 ≤ step ≤ h), in the order of <see cref="Forecasts"/>.</summary>
    public IReadOnlyList<BacktestForecast> AtStep(int step)
    {
        if (step < 1 || step > Steps.Count) throw new ArgumentOutOfRangeException(nameof(step), step, $"The backtest forecast steps 1 to {Steps.Count}.");
        return Forecasts.Where(f => f.Step == step).ToArray();
    }
}
