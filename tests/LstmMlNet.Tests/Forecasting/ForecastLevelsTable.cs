using System.Globalization;
using LstmMlNet.Forecasting;
using LstmMlNet.Tests.Infrastructure;
using Microsoft.ML;
using Xunit.Abstractions;

namespace LstmMlNet.Tests.Forecasting;

/// <summary>Coverage of several levels from one Fit: split-conformal bounds with the fixed half-widths
/// <see cref="ConformalScores.HalfWidths"/>(level) around every forecast of a held-out stretch (bike 2012 after a fit on 2011,
/// univariate and with weather covariates; the airline backtest from 1959-01, Darts protocol, fitted once), for levels 0.5,
/// 0.8, 0.9, 0.95 and 0.99 (a level above n/(n + 1) of the fit's n calibration windows is n/a). The forecasts and σ are the
/// model's scoring outputs at each origin, as the backtest reads them. Also checks that the bounds at the fit's own level
/// equal the scoring graph's. The notes give the weight α the baseline guard chose: with α &lt; 1 the scores are the larger of
/// the network's and the baseline's errors, conservative by design; rows with the guard off show the network's own. About
/// a minute:
/// <c>LSTMMLNET_LEVELS_TABLE=1 dotnet test -c Release --filter ForecastLevelsTable</c>; skipped without the variable.</summary>
public sealed class ForecastLevelsTable(ITestOutputHelper output)
{
    private static readonly double[] Levels = { 0.5, 0.8, 0.9, 0.95, 0.99 };

    [MeasurementFact("LSTMMLNET_LEVELS_TABLE", "the coverage of several levels from one fit (=1)")]
    public void Table()
    {
        output.WriteLine("| data | n | " + string.Join(" | ", Levels.Select(l => FormattableString.Invariant($"{l} coverage (width)"))) + " | notes |");
        output.WriteLine("|---|---|" + string.Concat(Levels.Select(_ => "---|")) + "---|");
        BikeDay[] days = BikeData.Days();
        int firstOf2012 = days.Count(d => d.Year == 0);
        foreach (bool covariates in new[] { false, true })
        {
            foreach (float fitLevel in new[] { 0.95f, 0.99f })
            {
                var o = new LstmForecastingOptions { InputColumnName = nameof(BikeDay.Count), Horizon = 7, Seed = 1, ConfidenceLevel = fitLevel };
                if (covariates)
                {
                    o.CovariateColumnNames = BikeData.WeatherCovariates;
                    o.WindowSize = 7;
                }
                string name = (covariates ? "bike 2012, weather covariates, W 7" : "bike 2012") + (fitLevel == 0.99f ? ", fitted at 0.99 (longer tail)" : string.Empty);
                Row(name, o, days, firstOf2012, d => d.Count);
            }
        }
        Row("bike 2012, baseline guard off", new LstmForecastingOptions { InputColumnName = nameof(BikeDay.Count), Horizon = 7, Seed = 1, BaselineGuard = false },
            days, firstOf2012, d => d.Count);
        AirMonth[] months = AirlineData.Months();
        foreach (bool guard in new[] { true, false })
        {
            Row("airline, backtest from 1959-01" + (guard ? string.Empty : ", baseline guard off"),
                new LstmForecastingOptions { InputColumnName = nameof(AirMonth.Passengers), Horizon = 6, Seed = 1, BaselineGuard = guard },
                months, AirlineData.FirstOf1959, m => m.Passengers);
        }
    }

    /// <summary>Fits split-conformal bounds on the rows before <paramref name="first"/>, scores every row, and reports the
    /// coverage and mean width of each level over the forecasts from origins ≥ <paramref name="first"/> (every step whose
    /// row is in the data).</summary>
    private void Row<T>(string name, LstmForecastingOptions o, T[] rows, int first, Func<T, float> actual) where T : class
    {
        o.IntervalMethod = ForecastIntervalMethod.SplitConformal;
        var ml = new MLContext(seed: 1);
        LstmForecastingTransformer model = ml.Forecasting.ForecastByLstm(o).Fit(ml.Data.LoadFromEnumerable(rows[..first]));
        using var release = Released.After(model);
        var (values, _, _) = model.Score(ml.Data.LoadFromEnumerable(rows));
        ConformalScores scores = model.FitReport.Scores!;
        int h = o.Horizon;
        var origins = Enumerable.Range(first, rows.Length - first).Where(t => float.IsFinite(values[0][t][0])).ToArray();

        // The bounds at the fit's level are the scoring graph's (up to float rounding in ONNX Runtime).
        double graphDifference = 0;
        foreach (int t in origins)
        {
            var (l, u) = ConformalBounds.Bounds(values[0][t], values[3][t][0], scores.HalfWidths(o.ConfidenceLevel), o.TargetTransform);
            for (int k = 0; k < h; k++) graphDifference = Math.Max(graphDifference, Math.Max(Math.Abs(l[k] - values[1][t][k]), Math.Abs(u[k] - values[2][t][k])));
        }

        var cells = new List<string>();
        foreach (double level in Levels)
        {
            if (!scores.Supports(level))
            {
                cells.Add("n/a");
                continue;
            }
            float[] q = scores.HalfWidths(level);
            var a = new List<float>();
            var lower = new List<float>();
            var upper = new List<float>();
            foreach (int t in origins)
            {
                var (l, u) = ConformalBounds.Bounds(values[0][t], values[3][t][0], q, o.TargetTransform);
                for (int k = 0; k < h && t + k < rows.Length; k++)
                {
                    a.Add(actual(rows[t + k]));
                    lower.Add(l[k]);
                    upper.Add(u[k]);
                }
            }
            cells.Add(string.Create(CultureInfo.InvariantCulture,
                $"{ForecastMetrics.Coverage(a.ToArray(), lower.ToArray(), upper.ToArray()):F3} ({ForecastMetrics.MeanIntervalWidth(lower.ToArray(), upper.ToArray()):G4})"));
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {scores.Count} | {string.Join(" | ", cells)} | α {model.FitReport.NetworkWeight:G2}, {origins.Length} origins, n/(n + 1) = {scores.MaximumLevel:F3}, bounds at the fit's level within {graphDifference:G3} of the graph's |"));
    }
}
