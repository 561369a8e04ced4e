namespace LstmMlNet;

/// <summary>One forecast value of a backtest: the forecast of row <see cref="Origin"/> + <see cref="Step"/> − 1 of a
/// series, made at <see cref="Origin"/> from the rows before it only.</summary>
/// <param name="SeriesId">The series ("" for a model without a series-id column).</param>
/// <param name="Origin">The forecast origin: the position (0-based, within its series) of the first forecast row; the
/// model read the W rows before it.</param>
/// <param name="Step">Steps ahead, 1 ≤ step ≤ h: this value forecasts the row at position <c>Origin + Step − 1</c>.</param>
/// <param name="Forecast">The forecast, in the series' units.</param>
/// <param name="Lower">Lower confidence bound, in the series' units.</param>
/// <param name="Upper">Upper confidence bound, in the series' units.</param>
/// <param name="Actual">The observed value of that row.</param>
public sealed record BacktestForecast(string SeriesId, int Origin, int Step, float Forecast, float Lower, float Upper, float Actual)
{
    /// <summary>Position (0-based, within its series) of the row this value forecasts: <c>Origin + Step − 1</c>.</summary>
    public int Target => Origin + Step - 1;
}
