using System.Globalization;
using LstmMlNet.Tests.Infrastructure;
using Microsoft.ML;

namespace LstmMlNet.Tests.Forecasting;

/// <summary>
/// The baseline guard on single long hourly series, the case where the defaults lost to the simple forecasts on
/// held-out data: bike rentals (UCI, hour.csv; rows taken in order, the 165 missing hours not filled), the first 8,640
/// hours to fit (the last 20% of them the validation tail), then a forecast of the next 24 hours from every 24th hour of
/// the following 2,016 (84 origins, one fit), with the guard on and off, beside naive and seasonal naive (24 and 168)
/// computed on the same origins. Defaults otherwise, seed 1.
/// About 5 minutes a fit on 2 cores. LSTMMLNET_GUARD_TABLE=cnt (a comma list of columns) limits the series;
/// LSTMMLNET_GUARD_TABLE_COVARIATES=weather adds the hour's calendar and weather as covariates (a perfect weather forecast).
/// <code>LSTMMLNET_GUARD_TABLE=1 dotnet test tests/LstmMlNet.Tests -c Release --filter BaselineGuardTable --logger "console;verbosity=detailed"</code>
/// </summary>
public sealed class BaselineGuardTable(Xunit.Abstractions.ITestOutputHelper testOutput)
{
    /// <summary>Each line to the test output and, as it comes (a fit takes minutes), to LSTMMLNET_GUARD_TABLE_LOG if set.</summary>
    private void WriteLine(string line)
    {
        testOutput.WriteLine(line);
        if (Environment.GetEnvironmentVariable("LSTMMLNET_GUARD_TABLE_LOG") is { Length: > 0 } log) File.AppendAllText(log, line + Environment.NewLine);
    }

    public sealed class Hour
    {
        public float Value { get; set; }

        // The hour's calendar and weather (hour.csv's holiday, weekday, workingday, weathersit, temp, hum, windspeed):
        // covariates with LSTMMLNET_GUARD_TABLE_COVARIATES=weather, the weather taken as a perfect forecast.
        public float Holiday { get; set; }
        public float Weekday { get; set; }
        public float WorkingDay { get; set; }
        public float Weather { get; set; }
        public float Temperature { get; set; }
        public float Humidity { get; set; }
        public float WindSpeed { get; set; }
    }

    private static readonly string[] HourCovariates =
        { nameof(Hour.Holiday), nameof(Hour.Weekday), nameof(Hour.WorkingDay), nameof(Hour.Weather), nameof(Hour.Temperature), nameof(Hour.Humidity), nameof(Hour.WindSpeed) };

    [MeasurementFact("LSTMMLNET_GUARD_TABLE", "the baseline guard on hourly bike series")]
    public void Guard_on_and_off_beside_the_simple_forecasts()
    {
        string[] header = File.ReadLines(SharedData.Path("bike", "hour.csv")).First().Split(',');
        string[][] rows = File.ReadLines(SharedData.Path("bike", "hour.csv")).Skip(1).Select(l => l.Split(',')).ToArray();
        const int train = 8640, test = 2016, stride = 24;
        // LSTMMLNET_GUARD_TABLE_H: the horizon (default 24); LSTMMLNET_GUARD_TABLE_GUARD=on fits with the guard only.
        int h = Environment.GetEnvironmentVariable("LSTMMLNET_GUARD_TABLE_H") is { Length: > 0 } horizon ? int.Parse(horizon, CultureInfo.InvariantCulture) : 24;
        bool guardOnly = Environment.GetEnvironmentVariable("LSTMMLNET_GUARD_TABLE_GUARD") == "on";
        bool weather = Environment.GetEnvironmentVariable("LSTMMLNET_GUARD_TABLE_COVARIATES") == "weather";
        float Cell(string[] row, string name) => float.Parse(row[Array.IndexOf(header, name)], CultureInfo.InvariantCulture);
        // Row i of the series: its value and, with covariates, the hour's calendar and weather.
        Hour Row(int i, float value) => !weather ? new Hour { Value = value } : new Hour
        {
            Value = value, Holiday = Cell(rows[i], "holiday"), Weekday = Cell(rows[i], "weekday"), WorkingDay = Cell(rows[i], "workingday"),
            Weather = Cell(rows[i], "weathersit"), Temperature = Cell(rows[i], "temp"), Humidity = Cell(rows[i], "hum"), WindSpeed = Cell(rows[i], "windspeed"),
        };
        string[] columns = Environment.GetEnvironmentVariable("LSTMMLNET_GUARD_TABLE") is { Length: > 1 } named ? named.Split(',') : new[] { "cnt", "casual" };
        foreach (string column in columns)
        {
            int c = Array.IndexOf(header, column);
            float[] y = rows.Take(train + test + h).Select(r => float.Parse(r[c], CultureInfo.InvariantCulture)).ToArray();
            int[] origins = Enumerable.Range(0, test / stride).Select(i => train + i * stride).ToArray();
            string Simple(string name, Func<int, int, float> forecast)
            {
                double se = 0, ae = 0;
                int n = 0;
                foreach (int o in origins)
                    for (int k = 0; k < h; k++)
                    {
                        double e = y[o + k] - forecast(o, k);
                        se += e * e;
                        ae += Math.Abs(e);
                        n++;
                    }
                return FormattableString.Invariant($"{name}: MAE {ae / n:F2} MSE {se / n:F1}");
            }
            WriteLine($"bike hourly '{column}'{(weather ? " with calendar and weather covariates" : "")}, h {h}, {origins.Length} origins: " + string.Join("; ",
                Simple("naive", (o, k) => y[o - 1]), Simple("seasonal naive 24", (o, k) => y[o - 24 + k % 24]), Simple("seasonal naive 168", (o, k) => y[o - 168 + k % 168])));
            // LSTMMLNET_GUARD_TABLE_VARIANT: an index into ForecastDefaultsTable.Variants applied to the options (guard on only).
            int? variant = Environment.GetEnvironmentVariable("LSTMMLNET_GUARD_TABLE_VARIANT") is { Length: > 0 } v ? int.Parse(v, CultureInfo.InvariantCulture) : null;
            if (variant is int chosen) WriteLine($"  variant: {ForecastDefaultsTable.Variants[chosen].Name}");
            foreach (bool guard in variant is null && !guardOnly ? new[] { false, true } : new[] { true })
            {
                var ml = new MLContext(seed: 1);
                var options = new LstmForecastingOptions { InputColumnName = nameof(Hour.Value), Horizon = h, Seed = 1, BaselineGuard = guard };
                if (weather) options.CovariateColumnNames = HourCovariates;
                if (variant is int index) ForecastDefaultsTable.Variants[index].Change(options);
                IDataView data = ml.Data.LoadFromEnumerable(y.Select((v, i) => Row(i, v)).ToList());
                var clock = System.Diagnostics.Stopwatch.StartNew();
                ForecastBacktestResult result = ForecastBacktest.Run(ml, options, data, firstOrigin: train, stride: stride, refitEvery: 0);
                ForecastFitReport report = result.LastModel.FitReport;
                // The backtest's origins run to the end of the data; score the same 84 origins as the simple forecasts.
                var f = result.Forecasts.Where(x => origins.Contains(x.Origin)).ToArray();
                double mae = f.Average(x => Math.Abs(x.Actual - x.Forecast)), mse = f.Average(x => (double)(x.Actual - x.Forecast) * (x.Actual - x.Forecast));
                double coverage = f.Average(x => x.Lower <= x.Actual && x.Actual <= x.Upper ? 1.0 : 0.0);
                WriteLine(FormattableString.Invariant(
                    $"  guard {(guard ? "on " : "off")}: MAE {mae:F2} MSE {mse:F1} coverage {coverage:F3} (n {f.Length}); weight {report.NetworkWeight:G2} (other simple forecast {report.AlternativeWeight:G2}), validation |e|/σ network {report.NetworkValidationError:G4} baseline {report.BaselineValidationError:G4} other (period {report.AlternativePeriod}) {report.AlternativeValidationError:G4}; season {report.Seasonality}, W {report.WindowSize}, best epoch {report.BestEpoch}/{report.History.Count}; {clock.Elapsed.TotalSeconds:F0} s"));
                Assert.Equal(origins.Length * h, f.Length);
            }
        }
    }
}
