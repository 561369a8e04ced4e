using LstmMlNet.Tests.Infrastructure;
using LstmMlNet.Forecasting;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit.Abstractions;

namespace LstmMlNet.Tests.Forecasting;

/// <summary>Past covariates and calendar inputs through Fit, Transform, the saved scoring model, the engine and its
/// checkpoint, each on a series whose target depends on them in a way the series' own past cannot show.</summary>
public sealed class ForecastInputsTests(ITestOutputHelper output)
{
    public sealed class Reading
    {
        public float Value { get; set; }
        public float Driver { get; set; }
        public DateTime Time { get; set; }
    }

    public sealed class Prediction
    {
        public float[] Forecast { get; set; } = Array.Empty<float>();
        public float[] LowerBound { get; set; } = Array.Empty<float>();
        public float[] UpperBound { get; set; } = Array.Empty<float>();
    }

    /// <summary>A driver that is an AR(1) process (unpredictable from the target alone), and a target that follows it two
    /// steps later: y_t = 50 + 5·p_{t−2} + small noise.</summary>
    internal static Reading[] Lagged(int count, int seed)
    {
        var random = new Random(seed);
        double Gaussian() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        var p = new double[count];
        for (int t = 1; t < count; t++) p[t] = 0.8 * p[t - 1] + Gaussian();
        return Enumerable.Range(0, count).Select(t => new Reading
        {
            Value = (float)(50 + 5 * (t >= 2 ? p[t - 2] : 0) + 0.3 * Gaussian()),
            Driver = (float)p[t],
            Time = new DateTime(2024, 1, 1).AddHours(t),
        }).ToArray();
    }

    private static double EngineMae(MLContext ml, LstmForecastingTransformer model, Reading[] test)
    {
        using var engine = model.CreateForecastEngine<Reading, Prediction>(ml);
        double error = 0;
        int count = 0;
        for (int t = 0; t < test.Length; t++)
        {
            Prediction f = engine.Predict();
            for (int k = 0; k < f.Forecast.Length && t + k < test.Length; k++)
            {
                error += Math.Abs(test[t + k].Value - f.Forecast[k]);
                count++;
            }
            engine.Update(test[t]);
        }
        return error / count;
    }

    [Fact]
    public void A_past_covariate_that_leads_the_target_is_used_through_Fit_Transform_the_saved_model_and_the_engine()
    {
        Reading[] points = Lagged(1200, 3);
        Reading[] train = points[..1000], test = points[1000..];
        var ml = new MLContext(seed: 1);
        LstmForecastingOptions Options(bool past) => new()
        {
            InputColumnName = nameof(Reading.Value), Horizon = 2, WindowSize = 8, Seasonality = 1, Network = { HiddenSize = 32 }, Epochs = 20, Seed = 1,
            PastCovariateColumnNames = past ? new[] { nameof(Reading.Driver) } : Array.Empty<string>(),
        };
        IDataView trainView = ml.Data.LoadFromEnumerable(train);
        var univariate = ml.Forecasting.ForecastByLstm(Options(false)).Fit(trainView);
        var withPast = ml.Forecasting.ForecastByLstm(Options(true)).Fit(trainView);
        double maeUnivariate = EngineMae(ml, univariate, test), maePast = EngineMae(ml, withPast, test);
        output.WriteLine($"engine MAE over 200 origins, h = 2: univariate {maeUnivariate:F3}, with the past covariate {maePast:F3}");
        Assert.True(maePast < 0.5 * maeUnivariate, $"past covariate {maePast:F3} vs univariate {maeUnivariate:F3}");

        // Transform, the saved model (a separate load path, the LstmForecastInput columns) and the engine agree.
        IDataView all = ml.Data.LoadFromEnumerable(points);
        float[][] transformed = withPast.Transform(all).GetColumn<float[]>("Forecast").ToArray();
        string path = Path.Combine(Path.GetTempPath(), $"lstm-past-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(withPast, withPast.ScoringInputSchema, path);
            var other = new MLContext();
            ITransformer loaded = other.Model.Load(path, out _);
            using var releaseLoaded = Released.After(loaded);
            using var prediction = other.Model.CreatePredictionEngine<LstmForecastInput, Prediction>(loaded, inputSchemaDefinition: LstmForecastInput.SchemaFor(8, 2, 0, pastCovariates: 1));
            using var engine = withPast.CreateForecastEngine<Reading, Prediction>(ml);
            for (int t = 1000; t < 1010; t++)
            {
                var row = new LstmForecastInput { Window = points[(t - 8)..t].Select(p => p.Value).ToArray(), PastCovariates = points[(t - 8)..t].Select(p => p.Driver).ToArray() };
                Assert.Equal(transformed[t], prediction.Predict(row).Forecast);
                Assert.Equal(transformed[t], engine.Predict().Forecast);
                engine.Update(points[t]);
            }
            string checkpoint = path + ".engine.zip";
            engine.CheckPoint(checkpoint);
            using var restored = LstmForecastEngine.Load<Reading, Prediction>(new MLContext(), checkpoint);
            File.Delete(checkpoint);
            Assert.Equal(transformed[1010], restored.Predict().Forecast);
            var bad = Assert.Throws<ArgumentException>(() => restored.Update(new Reading { Value = 50, Driver = float.NaN }));
            Assert.Contains("'Driver'", bad.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Hourly values with a daily cycle and a weekend drop of 30 that a two-day window cannot anticipate.</summary>
    private static Reading[] Weekly(int hours, int seed)
    {
        var random = new Random(seed);
        var start = new DateTime(2024, 1, 1); // a Monday
        return Enumerable.Range(0, hours).Select(t =>
        {
            DateTime time = start.AddHours(t);
            bool weekend = time.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
            return new Reading
            {
                Value = (float)(100 + 20 * Math.Sin(2 * Math.PI * time.Hour / 24) - (weekend ? 30 : 0) + 2 * (random.NextDouble() * 2 - 1)),
                Time = time,
            };
        }).ToArray();
    }

    [Fact]
    public void Calendar_inputs_from_a_timestamp_column_carry_the_day_of_the_week_into_Transform_the_saved_model_and_the_engine()
    {
        Reading[] points = Weekly(24 * 7 * 10, 4);
        int trainHours = 24 * 7 * 8;
        Reading[] train = points[..trainHours], test = points[trainHours..];
        var ml = new MLContext(seed: 1);
        LstmForecastingOptions Options(bool calendar) => new()
        {
            // A daily season declared: the window (two days) cannot show the week, only the calendar can.
            InputColumnName = nameof(Reading.Value), Horizon = 24, Seasonality = 24, Network = { HiddenSize = 32 }, Epochs = 20, Seed = 1,
            TimestampColumnName = calendar ? nameof(Reading.Time) : null,
        };
        IDataView trainView = ml.Data.LoadFromEnumerable(train);
        var plain = ml.Forecasting.ForecastByLstm(Options(false)).Fit(trainView);
        var estimator = ml.Forecasting.ForecastByLstm(Options(true));
        var calendar = estimator.Fit(trainView);
        Assert.Equal(CalendarFeatures.HourOfDay | CalendarFeatures.DayOfWeek, estimator.LastFitReport!.CalendarFeatures); // hourly, 8 weeks: no time of year
        double maePlain = EngineMae(ml, plain, test), maeCalendar = EngineMae(ml, calendar, test);
        output.WriteLine($"engine MAE over two test weeks, h = 24: without calendar inputs {maePlain:F3}, with {maeCalendar:F3}");
        Assert.True(maeCalendar < 0.6 * maePlain, $"calendar {maeCalendar:F3} vs plain {maePlain:F3}");

        // Transform (times from the rows), the saved model (times as ticks) and the engine (times extrapolated by its step).
        IDataView all = ml.Data.LoadFromEnumerable(points);
        float[][] transformed = calendar.Transform(all).GetColumn<float[]>("Forecast").ToArray();
        string path = Path.Combine(Path.GetTempPath(), $"lstm-calendar-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(calendar, calendar.ScoringInputSchema, path);
            var other = new MLContext();
            ITransformer loaded = other.Model.Load(path, out _);
            using var releaseLoaded = Released.After(loaded);
            int w = calendar.WindowSize;
            using var prediction = other.Model.CreatePredictionEngine<LstmForecastInput, Prediction>(loaded, inputSchemaDefinition: calendar.ScoringInputSchemaDefinition);
            using var engine = calendar.CreateForecastEngine<Reading, Prediction>(ml);
            for (int t = trainHours; t < trainHours + 5; t++)
            {
                var row = new LstmForecastInput { Window = points[(t - w)..t].Select(p => p.Value).ToArray(), Timestamps = points[(t - w)..(t + 24)].Select(p => p.Time.Ticks).ToArray() };
                Assert.Equal(transformed[t], prediction.Predict(row).Forecast);
                Assert.Equal(transformed[t], engine.Predict().Forecast);
                Assert.Equal(transformed[t], engine.Predict(points[t..(t + 24)]).Forecast); // the times of given rows
                engine.Update(points[t]);
            }
            var late = Assert.Throws<ArgumentException>(() => engine.Update(points[0]));
            Assert.Contains("'Time'", late.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Bad_timestamp_and_past_covariate_columns_get_errors_naming_them()
    {
        var ml = new MLContext(seed: 1);
        Reading[] points = Weekly(24 * 7 * 3, 1);
        points[100].Time = points[99].Time; // a repeated hour
        var o = new LstmForecastingOptions { InputColumnName = nameof(Reading.Value), Horizon = 6, Epochs = 1, TimestampColumnName = nameof(Reading.Time), Seed = 1 };
        var repeated = Assert.Throws<InvalidOperationException>(() => ml.Forecasting.ForecastByLstm(o).Fit(ml.Data.LoadFromEnumerable(points)));
        Assert.Contains("'Time'", repeated.Message);
        Assert.Contains("row 100", repeated.Message);

        var wrongType = new LstmForecastingOptions { InputColumnName = nameof(Reading.Value), Horizon = 6, TimestampColumnName = nameof(Reading.Driver) };
        var type = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Forecasting.ForecastByLstm(wrongType).Fit(ml.Data.LoadFromEnumerable(Weekly(500, 1))));
        Assert.Contains("'Driver'", type.Message);
        Assert.Contains("DateTime", type.Message);

        var missing = new LstmForecastingOptions { InputColumnName = nameof(Reading.Value), Horizon = 6, PastCovariateColumnNames = new[] { "Sensor" } };
        Assert.Contains("'Sensor'", Assert.Throws<ArgumentOutOfRangeException>(() => ml.Forecasting.ForecastByLstm(missing).Fit(ml.Data.LoadFromEnumerable(Weekly(500, 1)))).Message);

        var twice = new LstmForecastingOptions { InputColumnName = nameof(Reading.Value), Horizon = 6, CovariateColumnNames = new[] { "Driver" }, PastCovariateColumnNames = new[] { "Driver" } };
        Assert.Contains("PastCovariateColumnNames", Assert.Throws<ArgumentOutOfRangeException>(() => ml.Forecasting.ForecastByLstm(twice)).Message);

        var calendarWithoutTime = new LstmForecastingOptions { InputColumnName = nameof(Reading.Value), Horizon = 6, CalendarFeatures = CalendarFeatures.DayOfWeek };
        Assert.Contains("TimestampColumnName", Assert.Throws<ArgumentOutOfRangeException>(() => ml.Forecasting.ForecastByLstm(calendarWithoutTime)).Message);
    }
}
