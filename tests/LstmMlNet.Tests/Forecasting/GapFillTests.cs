using System.Globalization;
using LstmMlNet.Forecasting;
using LstmMlNet.Tests.Infrastructure;
using Microsoft.ML;

namespace LstmMlNet.Tests.Forecasting;

/// <summary>Gaps in time (<see cref="ForecastGapFill"/>): the default error on the bike hourly data, each fill's exact
/// values, the errors for times that are no whole step, repeated or out of order, filled rows kept out of the targets, and
/// the same handling in Transform, the forecast engine (through a checkpoint) and the backtest.</summary>
public sealed class GapFillTests
{
    /// <summary>One row of a series with a covariate, a past covariate and a time.</summary>
    public sealed class Row
    {
        public float Value { get; set; }
        public float Driver { get; set; }
        public float Sensor { get; set; }
        public DateTime Time { get; set; }
        public string Id { get; set; } = "a";
    }

    /// <summary>One hour of UCI bike sharing (../shared/data/bike/hour.csv): the count, its weather and calendar columns
    /// and the time dteday + hr.</summary>
    public sealed class BikeHour
    {
        public DateTime Time { get; set; }
        public float Holiday { get; set; }
        public float WorkingDay { get; set; }
        public float Weather { get; set; }
        public float Temperature { get; set; }
        public float Humidity { get; set; }
        public float WindSpeed { get; set; }
        public float Count { get; set; }
    }

    public sealed class Prediction
    {
        public float[] Forecast { get; set; } = Array.Empty<float>();
        public float[] LowerBound { get; set; } = Array.Empty<float>();
        public float[] UpperBound { get; set; } = Array.Empty<float>();
    }

    private static readonly string[] Weather =
        { nameof(BikeHour.Holiday), nameof(BikeHour.WorkingDay), nameof(BikeHour.Weather), nameof(BikeHour.Temperature), nameof(BikeHour.Humidity), nameof(BikeHour.WindSpeed) };

    /// <summary>hour.csv read with a plain CSV split (no ML.NET loader): columns dteday (1), hr (5), holiday (6),
    /// workingday (8), weathersit (9), temp (10), hum (12), windspeed (13), cnt (16).</summary>
    private static BikeHour[] BikeHours() => File.ReadLines(SharedData.Path("bike", "hour.csv")).Skip(1).Select(line =>
    {
        string[] f = line.Split(',');
        float F(int i) => float.Parse(f[i], CultureInfo.InvariantCulture);
        return new BikeHour
        {
            Time = DateTime.ParseExact(f[1], "yyyy-MM-dd", CultureInfo.InvariantCulture).AddHours(int.Parse(f[5], CultureInfo.InvariantCulture)),
            Holiday = F(6), WorkingDay = F(8), Weather = F(9), Temperature = F(10), Humidity = F(12), WindSpeed = F(13), Count = F(16),
        };
    }).ToArray();

    [Fact]
    public void Bike_hour_csv_gap_is_an_error_by_default_naming_the_series_column_first_missing_hour_and_count()
    {
        BikeHour[] hours = BikeHours();
        Assert.Equal(17_379, hours.Length);
        // Independently of the library: every hour from the first row's to the last row's, less the hours present.
        var present = hours.Select(h => h.Time).ToHashSet();
        int span = (int)(hours[^1].Time - hours[0].Time).TotalHours + 1;
        DateTime[] missing = Enumerable.Range(0, span).Select(k => hours[0].Time.AddHours(k)).Where(t => !present.Contains(t)).ToArray();
        Assert.Equal(17_544, span);
        Assert.Equal(165, missing.Length);
        Assert.Equal(new DateTime(2011, 1, 2, 5, 0, 0), missing[0]); // the hour between rows 28 (04:00) and 29 (06:00)
        int gaps = missing.Where((t, i) => i == 0 || missing[i - 1] != t.AddHours(-1)).Count();
        Assert.Equal(75, gaps);

        var ml = new MLContext(seed: 1);
        var o = new LstmForecastingOptions { InputColumnName = nameof(BikeHour.Count), Horizon = 24, TimestampColumnName = nameof(BikeHour.Time), Epochs = 1, Seed = 1 };
        Assert.Equal(ForecastGapFill.Error, o.GapFill);
        var error = Assert.Throws<InvalidOperationException>(() => ml.Forecasting.ForecastByLstm(o).Fit(ml.Data.LoadFromEnumerable(hours)));
        Assert.Contains("(the only series)", error.Message);
        Assert.Contains("'Time'", error.Message);
        Assert.Contains($"{missing[0]:O} is missing", error.Message);
        Assert.Contains("2011-01-02T05:00:00.0000000 is missing", error.Message);
        Assert.Contains("row 28", error.Message);
        Assert.Contains("row 29", error.Message);
        Assert.Contains("misses 165 steps of 01:00:00", error.Message);
        Assert.Contains("in 75 gaps", error.Message);
        Assert.Contains("GapFill", error.Message);
    }

    [Fact]
    public void Gap_error_names_the_series_with_the_gap_among_many()
    {
        var rows = Hourly(Enumerable.Range(0, 10), "a").Concat(Hourly(new[] { 0, 1, 2, 5, 6 }, "b")).ToArray();
        var o = new LstmForecastingOptions { InputColumnName = nameof(Row.Value), Horizon = 1, TimestampColumnName = nameof(Row.Time), SeriesIdColumnName = nameof(Row.Id) };
        var error = Assert.Throws<InvalidOperationException>(() => SeriesTable.Read(new MLContext().Data.LoadFromEnumerable(rows), o));
        Assert.Contains("Series 'b'", error.Message);
        Assert.Contains("2024-01-01T03:00:00.0000000 is missing (the first of 2 missing", error.Message);
    }

    /// <summary>Rows at the given hours of 2024-01-01: value h², covariate 100 + h, past covariate −10·h.</summary>
    private static Row[] Hourly(IEnumerable<int> hours, string id = "a") => hours.Select(h => new Row
    {
        Value = h * h, Driver = 100 + h, Sensor = -10 * h, Time = new DateTime(2024, 1, 1).AddHours(h), Id = id,
    }).ToArray();

    // Hours 0, 2–6, 9, 10 present: hour 1 and hours 7–8 missing. Season 4 (declared): hour 1 has no row one season earlier
    // (linear), hours 7 and 8 take hours 3 and 4.
    [Theory]
    [InlineData(ForecastGapFill.PreviousValue, new float[] { 0, 36, 36 }, new float[] { 100, 106, 106 }, new float[] { 0, -60, -60 })]
    [InlineData(ForecastGapFill.LinearInterpolation, new float[] { 2, 51, 66 }, new float[] { 101, 107, 108 }, new float[] { -10, -70, -80 })]
    [InlineData(ForecastGapFill.SeasonalValue, new float[] { 2, 9, 16 }, new float[] { 101, 103, 104 }, new float[] { -10, -30, -40 })]
    public void Each_fill_gives_the_expected_values_covariates_and_past_covariates(ForecastGapFill fill, float[] values, float[] covariates, float[] past)
    {
        Row[] rows = Hourly(new[] { 0, 2, 3, 4, 5, 6, 9, 10 });
        var o = new LstmForecastingOptions
        {
            InputColumnName = nameof(Row.Value), Horizon = 1, TimestampColumnName = nameof(Row.Time), Seasonality = 4, GapFill = fill,
            CovariateColumnNames = new[] { nameof(Row.Driver) }, PastCovariateColumnNames = new[] { nameof(Row.Sensor) },
        };
        Series s = Assert.Single(SeriesTable.Read(new MLContext().Data.LoadFromEnumerable(rows), o));
        Assert.Equal(11, s.Length);
        int[] filled = { 1, 7, 8 };
        Assert.Equal(Enumerable.Range(0, 11).Select(t => filled.Contains(t)).ToArray(), s.Filled);
        Assert.Equal(Enumerable.Range(0, 11).Select(t => new DateTime(2024, 1, 1).AddHours(t).Ticks).ToArray(), s.Timestamps);
        Assert.Equal(new long[] { 0, -1, 1, 2, 3, 4, 5, -1, -1, 6, 7 }, s.Rows);
        Assert.Equal(values, filled.Select(t => s.Values[t]).ToArray());
        Assert.Equal(covariates, filled.Select(t => s.Covariates[t]).ToArray());
        Assert.Equal(past, filled.Select(t => s.PastCovariates[t]).ToArray());
        // The observed rows are untouched.
        int[] observed = { 0, 2, 3, 4, 5, 6, 9, 10 };
        Assert.Equal(observed.Select(h => (float)(h * h)).ToArray(), observed.Select(t => s.Values[t]).ToArray());
        Assert.Equal(observed.Select(h => 100f + h).ToArray(), observed.Select(t => s.Covariates[t]).ToArray());
    }

    [Fact]
    public void Seasonal_fill_uses_the_calendar_season_at_read_time_and_fails_clearly_without_one()
    {
        Assert.Equal(24, SeriesGaps.FillSeason(0, TimeSpan.TicksPerHour));
        Assert.Equal(96, SeriesGaps.FillSeason(0, TimeSpan.TicksPerMinute * 15));
        Assert.Equal(7, SeriesGaps.FillSeason(0, TimeSpan.TicksPerDay));
        Assert.Equal(12, SeriesGaps.FillSeason(0, TimeSpan.TicksPerDay * 31));
        Assert.Equal(5, SeriesGaps.FillSeason(5, TimeSpan.TicksPerHour)); // declared wins
        Assert.Equal(0, SeriesGaps.FillSeason(0, TimeSpan.TicksPerHour * 5)); // 5 h does not divide a day

        // Season 24 (automatic for hourly rows): the missing hours 26–30 take hours 2–6.
        Row[] rows = Hourly(Enumerable.Range(0, 26).Concat(new[] { 31, 32 }));
        var o = new LstmForecastingOptions { InputColumnName = nameof(Row.Value), Horizon = 1, TimestampColumnName = nameof(Row.Time), GapFill = ForecastGapFill.SeasonalValue };
        Series s = Assert.Single(SeriesTable.Read(new MLContext().Data.LoadFromEnumerable(rows), o));
        Assert.Equal(new float[] { 4, 9, 16, 25, 36 }, s.Values[26..31]);

        var fiveHourly = Enumerable.Range(0, 6).Where(k => k != 3).Select(k => new Row { Value = k, Time = new DateTime(2024, 1, 1).AddHours(5 * k) }).ToArray();
        var error = Assert.Throws<InvalidOperationException>(() => SeriesTable.Read(new MLContext().Data.LoadFromEnumerable(fiveHourly), o));
        Assert.Contains("SeasonalValue needs a season", error.Message);
        Assert.Contains("2024-01-01T15:00:00.0000000", error.Message);
        Assert.Contains("Seasonality", error.Message);
    }

    [Fact]
    public void A_time_that_is_no_whole_step_a_repeated_time_and_rows_out_of_order_get_errors_naming_the_row()
    {
        var ml = new MLContext();
        var o = new LstmForecastingOptions { InputColumnName = nameof(Row.Value), Horizon = 1, TimestampColumnName = nameof(Row.Time), GapFill = ForecastGapFill.LinearInterpolation };

        Row[] half = Hourly(Enumerable.Range(0, 8));
        half[5].Time = half[4].Time.AddMinutes(90); // 1.5 steps after row 4, 0.5 before row 6
        var notWhole = Assert.Throws<InvalidOperationException>(() => SeriesTable.Read(ml.Data.LoadFromEnumerable(half), o));
        Assert.Contains("'Time'", notWhole.Message);
        Assert.Contains("2024-01-01T05:30:00.0000000 at row 5", notWhole.Message);
        Assert.Contains("01:30:00 after the row before it (2024-01-01T04:00:00.0000000, row 4)", notWhole.Message);
        Assert.Contains("not a whole number of steps of 01:00:00", notWhole.Message);

        Row[] repeated = Hourly(Enumerable.Range(0, 8));
        repeated[6].Time = repeated[5].Time;
        var duplicate = Assert.Throws<InvalidOperationException>(() => SeriesTable.Read(ml.Data.LoadFromEnumerable(repeated), o));
        Assert.Contains("2024-01-01T05:00:00.0000000 at row 6, a duplicate", duplicate.Message);
        Assert.Contains("(row 5)", duplicate.Message);

        Row[] swapped = Hourly(Enumerable.Range(0, 8));
        (swapped[3].Time, swapped[4].Time) = (swapped[4].Time, swapped[3].Time);
        var order = Assert.Throws<InvalidOperationException>(() => SeriesTable.Read(ml.Data.LoadFromEnumerable(swapped), o));
        Assert.Contains("2024-01-01T03:00:00.0000000 at row 4, before the series' previous row (row 3, 2024-01-01T04:00:00.0000000)", order.Message);
        Assert.Contains("out of time order", order.Message);
    }

    [Fact]
    public void Monthly_gaps_are_counted_in_calendar_months()
    {
        DateTime[] months = { new(2020, 1, 1), new(2020, 2, 1), new(2020, 3, 1), new(2020, 5, 1), new(2020, 6, 1), new(2020, 7, 1) };
        Row[] rows = months.Select((m, i) => new Row { Value = 10 * i, Time = m }).ToArray();
        var o = new LstmForecastingOptions { InputColumnName = nameof(Row.Value), Horizon = 1, TimestampColumnName = nameof(Row.Time) };
        var error = Assert.Throws<InvalidOperationException>(() => SeriesTable.Read(new MLContext().Data.LoadFromEnumerable(rows), o));
        Assert.Contains("2020-04-01T00:00:00.0000000 is missing", error.Message);
        Assert.Contains("a calendar month", error.Message);

        o.GapFill = ForecastGapFill.LinearInterpolation;
        Series s = Assert.Single(SeriesTable.Read(new MLContext().Data.LoadFromEnumerable(rows), o));
        Assert.Equal(new DateTime(2020, 4, 1).Ticks, s.Timestamps[3]);
        Assert.Equal(25f, s.Values[3]);
    }

    /// <summary>An hourly series with a daily cycle, <paramref name="count"/> hours from 2024-01-01, without the hours in
    /// <paramref name="skip"/>.</summary>
    private static Row[] Daily(int count, params int[] skip) => Enumerable.Range(0, count).Where(t => !skip.Contains(t)).Select(t => new Row
    {
        Value = (float)(20 + 10 * Math.Sin(2 * Math.PI * t / 24) + (t % 7)),
        Driver = t % 5,
        Time = new DateTime(2024, 1, 1).AddHours(t),
    }).ToArray();

    private static LstmForecastingOptions Small(ForecastGapFill fill) => new()
    {
        InputColumnName = nameof(Row.Value), TimestampColumnName = nameof(Row.Time), GapFill = fill, WindowSize = 8, Horizon = 4, Seasonality = 24,
        ValidationTailLength = 40, Network = { HiddenSize = 4 }, Epochs = 1, MinimumOptimizerSteps = 0, Seed = 3,
    };

    [Fact]
    public void Filled_rows_are_inputs_but_never_training_or_calibration_targets()
    {
        var ml = new MLContext(seed: 1);
        var estimator = ml.Forecasting.ForecastByLstm(Small(ForecastGapFill.LinearInterpolation));
        estimator.Fit(ml.Data.LoadFromEnumerable(Daily(202, 50, 51)));
        // 202 positions (2 filled), tail 40: training windows end at 8…158 (151), less the 5 ends 47…51 whose 4 targets
        // include position 50 or 51; calibration windows end at 162…198 (37).
        Assert.Equal(146, estimator.LastFitReport!.TrainingWindows);
        Assert.Equal(37, estimator.LastFitReport.CalibrationWindows);

        var complete = ml.Forecasting.ForecastByLstm(Small(ForecastGapFill.LinearInterpolation));
        complete.Fit(ml.Data.LoadFromEnumerable(Daily(202)));
        Assert.Equal(151, complete.LastFitReport!.TrainingWindows);
    }

    [Fact]
    public void Transform_reads_gaps_with_the_fitted_option_and_step_and_returns_the_input_rows()
    {
        var ml = new MLContext(seed: 1);
        LstmForecastingTransformer filling = ml.Forecasting.ForecastByLstm(Small(ForecastGapFill.PreviousValue)).Fit(ml.Data.LoadFromEnumerable(Daily(200)));
        Row[] gappy = Daily(60, 30, 31, 32);
        var scored = ml.Data.CreateEnumerable<Prediction>(filling.Transform(ml.Data.LoadFromEnumerable(gappy)), reuseRowObject: false).ToArray();
        Assert.Equal(57, scored.Length);
        Assert.All(scored.Take(8), p => Assert.True(float.IsNaN(p.Forecast[0]))); // fewer than W earlier rows
        Assert.All(scored.Skip(8), p => Assert.All(p.Forecast, v => Assert.True(float.IsFinite(v))));

        LstmForecastingTransformer strict = ml.Forecasting.ForecastByLstm(Small(ForecastGapFill.Error)).Fit(ml.Data.LoadFromEnumerable(Daily(200)));
        var error = Assert.Throws<InvalidOperationException>(() => strict.Transform(ml.Data.LoadFromEnumerable(gappy)));
        Assert.Contains("2024-01-02T06:00:00.0000000 is missing", error.Message);
        Assert.Contains("the model's step", error.Message);
    }

    [Fact]
    public void Engine_fills_a_gap_with_the_fitted_method_and_keeps_it_through_a_checkpoint()
    {
        var ml = new MLContext(seed: 1);
        LstmForecastingTransformer model = ml.Forecasting.ForecastByLstm(Small(ForecastGapFill.LinearInterpolation)).Fit(ml.Data.LoadFromEnumerable(Daily(200)));
        Assert.NotEqual(CalendarFeatures.None, model.FitReport.CalendarFeatures); // the engine reads times
        using var engine = model.CreateForecastEngine<Row, Prediction>(ml);
        float last = engine.History[^1];
        DateTime lastTime = new DateTime(2024, 1, 1).AddHours(199);
        string path = Path.Combine(Path.GetTempPath(), $"gaps-{Guid.NewGuid():N}.zip");
        try
        {
            engine.CheckPoint(path);
            using var loaded = LstmForecastEngine.Load<Row, Prediction>(ml, path);
            foreach (var e in new[] { engine, loaded })
            {
                e.Update(new Row { Value = last + 30, Time = lastTime.AddHours(3) }); // hours 200 and 201 missing
                Assert.Equal(new[] { last + 10, last + 20, last + 30 }, e.History.TakeLast(3).ToArray());
                Assert.All(e.Predict().Forecast, v => Assert.True(float.IsFinite(v)));
            }

            // A checkpoint written before the gap option (no GapFill in its state) loads and treats a gap as an error.
            string old = Path.Combine(Path.GetTempPath(), $"gaps-old-{Guid.NewGuid():N}.zip");
            File.Copy(path, old);
            CheckpointEdit.RewriteState(old, json =>
            {
                string legacyJson = System.Text.RegularExpressions.Regex.Replace(json, ",\"GapFill\":\\d+,\"GapSeason\":\\d+", string.Empty);
                Assert.DoesNotContain("Gap", legacyJson);
                return legacyJson;
            });
            try
            {
                using var legacy = LstmForecastEngine.Load<Row, Prediction>(ml, old);
                var error = Assert.Throws<ArgumentException>(() => legacy.Update(new Row { Value = 1, Time = lastTime.AddHours(3) }));
                Assert.Contains("2024-01-09T08:00:00.0000000 is missing (the first of 2 missing", error.Message);
                legacy.Update(new Row { Value = 1, Time = lastTime.AddHours(1) });
                var notWhole = Assert.Throws<ArgumentException>(() => legacy.Update(new Row { Value = 1, Time = lastTime.AddHours(2.5) }));
                Assert.Contains("not a whole number of the model's steps of 01:00:00", notWhole.Message);
            }
            finally
            {
                File.Delete(old);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Backtest_fills_gaps_as_fit_does_and_scores_no_filled_value()
    {
        var ml = new MLContext(seed: 1);
        Row[] rows = Daily(240, 150, 151, 152, 200);
        var result = ForecastBacktest.Run(ml, Small(ForecastGapFill.LinearInterpolation), ml.Data.LoadFromEnumerable(rows), firstOrigin: 120, stride: 1);
        int[] filled = { 150, 151, 152, 200 };
        Assert.DoesNotContain(result.Forecasts, f => filled.Contains(f.Origin + f.Step - 1) || filled.Contains(f.Origin));
        Assert.All(result.Forecasts, f => Assert.True(float.IsFinite(f.Forecast)));
        // Origins 120…236, less the 4 filled; each forecasts 4 positions, less those filled.
        int expected = Enumerable.Range(120, 117).Where(p => !filled.Contains(p)).Sum(p => Enumerable.Range(p, 4).Count(t => !filled.Contains(t)));
        Assert.Equal(expected, result.Forecasts.Count);
        Assert.Equal(Daily(240).First(r => r.Time == new DateTime(2024, 1, 1).AddHours(120)).Value,
            result.Forecasts.First(f => f.Origin == 120 && f.Step == 1).Actual);

        var strict = Assert.Throws<InvalidOperationException>(() => ForecastBacktest.Run(ml, Small(ForecastGapFill.Error), ml.Data.LoadFromEnumerable(rows), firstOrigin: 120));
        Assert.Contains("2024-01-07T06:00:00.0000000 is missing", strict.Message);
    }

    [Fact]
    public void Bike_hourly_fits_with_gaps_filled_calendar_and_weather_covariates_and_forecasts_finite_values()
    {
        BikeHour[] hours = BikeHours()[..1500]; // 2011-01-01 to early March: 1,500 rows with gaps
        int span = (int)(hours[^1].Time - hours[0].Time).TotalHours + 1;
        Assert.True(span > hours.Length, "the rows have gaps");
        var ml = new MLContext(seed: 1);
        var estimator = ml.Forecasting.ForecastByLstm(new LstmForecastingOptions
        {
            InputColumnName = nameof(BikeHour.Count), TimestampColumnName = nameof(BikeHour.Time), GapFill = ForecastGapFill.LinearInterpolation,
            CovariateColumnNames = Weather, Horizon = 24, WindowSize = 48, Seasonality = 24, ValidationTailLength = 200,
            Network = { HiddenSize = 8 }, Epochs = 1, MinimumOptimizerSteps = 0, WindowsPerEpoch = 256, Seed = 4,
        });
        LstmForecastingTransformer model = estimator.Fit(ml.Data.LoadFromEnumerable(hours[..^24]));
        Assert.Equal(CalendarFeatures.HourOfDay | CalendarFeatures.DayOfWeek, estimator.LastFitReport!.CalendarFeatures);
        using var engine = model.CreateForecastEngine<BikeHour, Prediction>(ml);
        Prediction next = engine.Predict(hours[^24..]);
        Assert.Equal(24, next.Forecast.Length);
        Assert.All(next.Forecast.Concat(next.LowerBound).Concat(next.UpperBound), v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void Times_after_the_last_row_count_steps_as_gap_filling_does()
    {
        static long T(int year, int month, int day, int hour = 0) => new DateTime(year, month, day, hour, 0, 0).Ticks;
        // A monthly step (the most common difference, 31 days) continues in calendar months, as gaps are counted and filled.
        long[] months = { T(2020, 1, 1), T(2020, 2, 1), T(2020, 3, 1) };
        Assert.Equal(new[] { T(2020, 2, 1), T(2020, 3, 1), T(2020, 4, 1), T(2020, 5, 1) },
            LstmForecastingTransformer.Times(months, 1, 4, TimeSpan.FromDays(31).Ticks));
        Assert.Equal(T(2020, 4, 1), SeriesGaps.TimeStep.Of(TimeSpan.FromDays(31).Ticks).After(months[^1], 1));
        // A step of ticks adds ticks.
        long[] hours = { T(2020, 1, 1, 22), T(2020, 1, 1, 23) };
        Assert.Equal(new[] { T(2020, 1, 1, 23), T(2020, 1, 2, 0), T(2020, 1, 2, 1) }, LstmForecastingTransformer.Times(hours, 1, 3, TimeSpan.TicksPerHour));
    }
}
