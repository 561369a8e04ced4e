using System.IO.Compression;
using LstmMlNet.Forecasting;
using LstmMlNet.Tests.Infrastructure;
using Microsoft.ML;
using Microsoft.ML.Data;
using Point = LstmMlNet.Tests.Forecasting.ForecastEngineTests.Point;
using ForecastOutput = LstmMlNet.Tests.Forecasting.ForecastEngineTests.ForecastOutput;

namespace LstmMlNet.Tests.Forecasting;

/// <summary>The panel forecaster (issue 30): batched forecasts equal the per-series engines', levels and quantiles, Update
/// equals the engines' Update, Save/Load carries every series' end, many threads, and bad input.</summary>
public sealed class LstmForecasterTests : IClassFixture<LstmForecasterTests.Panel>
{
    private readonly Panel panel;

    public LstmForecasterTests(Panel panel) => this.panel = panel;

    /// <summary>Three seasonal series (ids a, b, c at levels 100, 50, 200), one model without covariates and one with the
    /// covariate Phase, fitted once for the class.</summary>
    public sealed class Panel
    {
        public Panel()
        {
            Points = new[] { ("a", 100f), ("b", 50f), ("c", 200f) }.SelectMany((p, i) => ForecastEngineTests.Points(150, 10 + i, p.Item1, p.Item2)).ToArray();
            Ml = new MLContext(seed: 1);
            Model = Ml.Forecasting.ForecastByLstm(Options(covariates: false)).Fit(Ml.Data.LoadFromEnumerable(Points));
            CovariateModel = Ml.Forecasting.ForecastByLstm(Options(covariates: true)).Fit(Ml.Data.LoadFromEnumerable(Points));
        }

        public Point[] Points { get; }

        public MLContext Ml { get; }

        public LstmForecastingTransformer Model { get; }

        public LstmForecastingTransformer CovariateModel { get; }

        private static LstmForecastingOptions Options(bool covariates) => new()
        {
            InputColumnName = nameof(Point.Value), SeriesIdColumnName = nameof(Point.Series), WindowSize = 12, Horizon = 4, Network = { HiddenSize = 16 },
            Epochs = 6, MinimumOptimizerSteps = 0, Seed = 2, ValidationTailLength = 40,
            CovariateColumnNames = covariates ? new[] { nameof(Point.Phase) } : Array.Empty<string>(),
        };
    }

    public sealed class Row
    {
        public string Series { get; set; } = string.Empty;
        public int Step { get; set; }
        public float Forecast { get; set; }
        public float LowerBound { get; set; }
        public float UpperBound { get; set; }
    }

    public sealed class LevelRow
    {
        public string Series { get; set; } = string.Empty;
        public int Step { get; set; }
        public float Forecast { get; set; }
        [ColumnName("LowerBound_80")] public float Lower80 { get; set; }
        [ColumnName("UpperBound_80")] public float Upper80 { get; set; }
        [ColumnName("LowerBound_95")] public float Lower95 { get; set; }
        [ColumnName("UpperBound_95")] public float Upper95 { get; set; }
        [ColumnName("Forecast_Q10")] public float Q10 { get; set; }
        [ColumnName("Forecast_Q50")] public float Q50 { get; set; }
        [ColumnName("Forecast_Q90")] public float Q90 { get; set; }
    }

    private List<Row> Rows(IDataView view) => panel.Ml.Data.CreateEnumerable<Row>(view, reuseRowObject: false).ToList();

    /// <summary>Batched and one-window scoring differ only by the order of float sums in ONNX Runtime's kernels.</summary>
    private static void Close(IReadOnlyList<float> expected, IReadOnlyList<float> actual, string what)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int k = 0; k < expected.Count; k++)
            Assert.True(Math.Abs(expected[k] - actual[k]) <= 1e-6 * Math.Max(1, Math.Abs(expected[k])), $"{what}[{k}]: {expected[k]:R} vs {actual[k]:R}");
    }

    [Fact]
    public void Forecast_of_every_series_equals_each_series_engine()
    {
        List<Row> rows = Rows(panel.Model.Forecast());
        Assert.Equal(new[] { "a", "a", "a", "a", "b", "b", "b", "b", "c", "c", "c", "c" }, rows.Select(r => r.Series));
        Assert.Equal(new[] { 1, 2, 3, 4 }, rows.Take(4).Select(r => r.Step));
        foreach (string id in new[] { "a", "b", "c" })
        {
            using var engine = panel.Model.CreateForecastEngine<Point, ForecastOutput>(panel.Ml, id);
            ForecastOutput expected = engine.Predict();
            var mine = rows.Where(r => r.Series == id).ToList();
            Close(expected.Forecast, mine.Select(r => r.Forecast).ToList(), $"{id} forecast");
            Close(expected.LowerBound, mine.Select(r => r.LowerBound).ToList(), $"{id} lower");
            Close(expected.UpperBound, mine.Select(r => r.UpperBound).ToList(), $"{id} upper");
        }
    }

    [Fact]
    public void Transform_in_batches_equals_the_scoring_model_row_by_row()
    {
        IDataView data = panel.Ml.Data.LoadFromEnumerable(panel.Points);
        var transformed = panel.Ml.Data.CreateEnumerable<ForecastOutput>(panel.Model.Transform(data), reuseRowObject: false).ToList();
        using var engine = panel.Ml.Model.CreatePredictionEngine<LstmForecastInput, ForecastOutput>(panel.Model.ScoringModel, inputSchemaDefinition: panel.Model.ScoringInputSchemaDefinition);
        int checkedRows = 0;
        for (int i = 0; i < panel.Points.Length; i++)
        {
            int t = i % 150;
            if (t < 12) Assert.All(transformed[i].Forecast, v => Assert.True(float.IsNaN(v)));
            if (t < 12 || t % 7 != 0) continue;
            ForecastOutput expected = engine.Predict(new LstmForecastInput { Window = panel.Points[(i - 12)..i].Select(p => p.Value).ToArray() });
            Close(expected.Forecast, transformed[i].Forecast, $"row {i} forecast");
            Close(expected.UpperBound, transformed[i].UpperBound, $"row {i} upper");
            checkedRows++;
        }
        Assert.True(checkedRows > 50);
    }

    [Fact]
    public void Calls_run_side_by_side_give_each_window_its_own_forecast()
    {
        ForecastScorer scorer = panel.Model.Scorer;
        int n = ForecastScorer.BatchRows * 3 + 17; // several calls, run in parallel, and a short last one
        ForecastBatch batch = scorer.NewBatch(n);
        var random = new Random(3);
        float[] values = panel.Points.Select(p => p.Value).ToArray();
        var starts = new int[n];
        for (int i = 0; i < n; i++)
        {
            starts[i] = random.Next(values.Length - 12);
            values.AsSpan(starts[i], 12).CopyTo(batch.Windows.AsSpan(i * 12));
        }
        scorer.Score(batch);
        foreach (int i in new[] { 0, 1, ForecastScorer.BatchRows - 1, ForecastScorer.BatchRows, 2 * ForecastScorer.BatchRows + 5, n - 1 })
        {
            ForecastBatch one = scorer.NewBatch(1);
            values.AsSpan(starts[i], 12).CopyTo(one.Windows);
            scorer.Score(one);
            Close(one.Forecast, batch.Forecast[(i * 4)..((i + 1) * 4)], $"window {i}");
            Close(one.Upper, batch.Upper[(i * 4)..((i + 1) * 4)], $"window {i} upper");
            Assert.Equal(one.IntervalScale[0], batch.IntervalScale[i], 5);
        }
    }

    [Fact]
    public void Levels_and_quantiles_nest_and_the_fit_level_matches_the_default_bounds()
    {
        Assert.Equal(0.95f, panel.Model.FitReport.Quantiles.Count > 0 ? 0.95f : 0f);
        List<Row> plain = Rows(panel.Model.Forecast());
        var rows = panel.Ml.Data.CreateEnumerable<LevelRow>(panel.Model.Forecast(levels: new[] { 0.8f, 0.95f }, quantiles: new[] { 0.1f, 0.5f, 0.9f }), reuseRowObject: false).ToList();
        Assert.Equal(plain.Count, rows.Count);
        for (int i = 0; i < rows.Count; i++)
        {
            LevelRow r = rows[i];
            Assert.Equal(plain[i].LowerBound, r.Lower95);
            Assert.Equal(plain[i].UpperBound, r.Upper95);
            Assert.True(r.Lower95 < r.Lower80 && r.Lower80 < r.Forecast && r.Forecast < r.Upper80 && r.Upper80 < r.Upper95, $"row {i}: {r.Lower95} {r.Lower80} {r.Forecast} {r.Upper80} {r.Upper95}");
            Assert.Equal(r.Forecast, r.Q50);
            Assert.Equal(r.Lower80, r.Q10);
            Assert.Equal(r.Upper80, r.Q90);
        }
        float[] q80 = panel.Model.FitReport.Scores!.HalfWidths(0.8);
        Assert.All(Enumerable.Range(0, 4), k => Assert.True(q80[k] < panel.Model.FitReport.Quantiles[k]));
    }

    [Fact]
    public void Update_moves_each_series_as_its_engine_and_save_load_carries_the_ends()
    {
        using LstmForecaster forecaster = panel.Model.CreateForecaster();
        Point[] newA = ForecastEngineTests.Points(5, 77, "a", 100f);
        Point[] newC = ForecastEngineTests.Points(3, 78, "c", 200f);
        forecaster.Update(panel.Ml.Data.LoadFromEnumerable(newA.Concat(newC)));
        var engines = new Dictionary<string, LstmForecastEngine<Point, ForecastOutput>>();
        try
        {
            foreach (string id in new[] { "a", "b", "c" }) engines[id] = panel.Model.CreateForecastEngine<Point, ForecastOutput>(panel.Ml, id);
            foreach (Point p in newA) engines["a"].Update(p);
            foreach (Point p in newC) engines["c"].Update(p);
            List<Row> rows = Rows(forecaster.Forecast());
            foreach (var (id, engine) in engines)
            {
                ForecastOutput expected = engine.Predict();
                var mine = rows.Where(r => r.Series == id).ToList();
                Close(expected.Forecast, mine.Select(r => r.Forecast).ToList(), $"{id} forecast after update");
                Close(expected.LowerBound, mine.Select(r => r.LowerBound).ToList(), $"{id} lower after update");
            }

            string path = Path.Combine(Path.GetTempPath(), $"lstm-forecaster-{Guid.NewGuid():N}.zip");
            try
            {
                forecaster.Save(panel.Ml, path);
                var ml = new MLContext();
                using (LstmForecaster loaded = LstmForecaster.Load(ml, path))
                {
                    Assert.Equal(new[] { "a", "b", "c" }, loaded.SeriesIds);
                    List<Row> again = Rows(loaded.Forecast());
                    Assert.Equal(rows.Select(r => r.Forecast), again.Select(r => r.Forecast));
                    Assert.Equal(rows.Select(r => r.UpperBound), again.Select(r => r.UpperBound));
                    using var fromLoaded = loaded.CreateForecastEngine<Point, ForecastOutput>(ml, "c");
                    Assert.Equal(engines["c"].History, fromLoaded.History);
                    Assert.Equal(engines["c"].IntervalHalfWidths, fromLoaded.IntervalHalfWidths);
                    Close(engines["c"].Predict().Forecast, fromLoaded.Predict().Forecast, "engine from the loaded forecaster");
                }
                // The same file is a plain ML.NET model: the stateless scoring model.
                ITransformer stateless = ml.Model.Load(path, out DataViewSchema schema);
                using var releaseStateless = Released.After(stateless);
                using var scoring = ml.Model.CreatePredictionEngine<LstmForecastInput, ForecastOutput>(stateless, inputSchemaDefinition: panel.Model.ScoringInputSchemaDefinition);
                ForecastOutput fromFile = scoring.Predict(new LstmForecastInput { Window = engines["b"].History.ToArray() });
                Close(engines["b"].Predict().Forecast, fromFile.Forecast, "ml.Model.Load of the forecaster file");
            }
            finally
            {
                File.Delete(path);
            }
        }
        finally
        {
            foreach (var engine in engines.Values) engine.Dispose();
        }
    }

    [Fact]
    public void Covariate_model_forecasts_from_future_rows_as_the_engine()
    {
        Point[] future = new[] { "a", "b", "c" }.SelectMany((id, i) => ForecastEngineTests.Points(6, 90 + i, id)).ToArray(); // 6 rows each, 4 read
        List<Row> rows = Rows(panel.CovariateModel.Forecast(panel.Ml.Data.LoadFromEnumerable(future)));
        Assert.Equal(12, rows.Count);
        foreach (string id in new[] { "a", "b", "c" })
        {
            using var engine = panel.CovariateModel.CreateForecastEngine<Point, ForecastOutput>(panel.Ml, id);
            ForecastOutput expected = engine.Predict(future.Where(p => p.Series == id).ToList());
            Close(expected.Forecast, rows.Where(r => r.Series == id).Select(r => r.Forecast).ToList(), $"{id} covariate forecast");
        }
        var error = Assert.Throws<ArgumentException>(() => panel.CovariateModel.Forecast());
        Assert.Contains("Phase", error.Message);
        var few = Assert.Throws<ArgumentException>(() => panel.CovariateModel.Forecast(panel.Ml.Data.LoadFromEnumerable(future.Where(p => p.Series != "b" || p.Value < 0).Concat(future.Where(p => p.Series == "b").Take(2)))));
        Assert.Contains("2 rows of series 'b'", few.Message);
    }

    public sealed class TimedRow
    {
        public int Step { get; set; }
        public DateTime Time { get; set; }
        public float Forecast { get; set; }
        public float LowerBound { get; set; }
    }

    [Fact]
    public void A_calendar_model_with_past_covariates_forecasts_with_times_updates_across_a_gap_and_round_trips()
    {
        var readings = ForecastInputsTests.Lagged(400, 4);
        var ml = new MLContext(seed: 1);
        var options = new LstmForecastingOptions
        {
            InputColumnName = nameof(ForecastInputsTests.Reading.Value), TimestampColumnName = nameof(ForecastInputsTests.Reading.Time),
            PastCovariateColumnNames = new[] { nameof(ForecastInputsTests.Reading.Driver) }, Horizon = 3, WindowSize = 12, Network = { HiddenSize = 8 },
            Epochs = 2, MinimumOptimizerSteps = 0, Seed = 1, GapFill = ForecastGapFill.LinearInterpolation,
        };
        LstmForecastingTransformer model = ml.Forecasting.ForecastByLstm(options).Fit(ml.Data.LoadFromEnumerable(readings[..300]));
        Assert.NotEqual(CalendarFeatures.None, model.FitReport.CalendarFeatures);
        using LstmForecaster forecaster = model.CreateForecaster();
        Assert.Equal(readings[299].Time, forecaster.LastTime(""));
        var rows = ml.Data.CreateEnumerable<TimedRow>(forecaster.Forecast(), reuseRowObject: false).ToList();
        Assert.Equal(new[] { 1, 2, 3 }, rows.Select(r => r.Step));
        Assert.Equal(new[] { 1, 2, 3 }.Select(k => readings[299].Time.AddHours(k)), rows.Select(r => r.Time));
        using (var engine = model.CreateForecastEngine<ForecastInputsTests.Reading, ForecastInputsTests.Prediction>(ml))
        {
            Close(engine.Predict().Forecast, rows.Select(r => r.Forecast).ToList(), "calendar forecast");
            // Rows 300..309 with 303 missing: filled by linear interpolation in both.
            var next = readings[300..310].Where((_, i) => i != 3).ToArray();
            forecaster.Update(ml.Data.LoadFromEnumerable(next));
            foreach (var r in next) engine.Update(r);
            var after = ml.Data.CreateEnumerable<TimedRow>(forecaster.Forecast(), reuseRowObject: false).ToList();
            ForecastInputsTests.Prediction expected = engine.Predict();
            Close(expected.Forecast, after.Select(r => r.Forecast).ToList(), "calendar forecast after a gap");
            Close(expected.LowerBound, after.Select(r => r.LowerBound).ToList(), "calendar lower bound after a gap");
            Assert.Equal(readings[309].Time.AddHours(1), after[0].Time);
        }
        var stream = new MemoryStream();
        forecaster.Save(ml, stream);
        stream.Position = 0;
        using LstmForecaster loaded = LstmForecaster.Load(new MLContext(), stream);
        Assert.Equal(ml.Data.CreateEnumerable<TimedRow>(forecaster.Forecast(), false).Select(r => r.Forecast), ml.Data.CreateEnumerable<TimedRow>(loaded.Forecast(), false).Select(r => r.Forecast));
        var late = new[] { readings[309] };
        Assert.Contains("not after", Assert.Throws<ArgumentException>(() => loaded.Update(ml.Data.LoadFromEnumerable(late))).Message);
    }

    [Fact]
    public void Bad_requests_and_files_get_clear_errors()
    {
        Assert.Contains("'zz'", Assert.Throws<ArgumentException>(() => panel.Model.Forecast(seriesIds: new[] { "zz" })).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => panel.Model.Forecast(levels: new[] { 1.5f }));
        Assert.Throws<ArgumentOutOfRangeException>(() => panel.Model.Forecast(levels: new[] { 0f }));
        Assert.Contains("validation windows", Assert.Throws<ArgumentOutOfRangeException>(() => panel.Model.Forecast(levels: new[] { 0.9999f })).Message);
        using LstmForecaster forecaster = panel.Model.CreateForecaster();
        var unknown = Assert.Throws<ArgumentException>(() => forecaster.Update(panel.Ml.Data.LoadFromEnumerable(ForecastEngineTests.Points(2, 5, "new"))));
        Assert.Contains("'new'", unknown.Message);
        var nan = ForecastEngineTests.Points(3, 5, "b");
        nan[1].Value = float.NaN;
        Assert.Contains("row 1", Assert.Throws<ArgumentException>(() => forecaster.Update(panel.Ml.Data.LoadFromEnumerable(nan))).Message);
        Assert.Equal(Rows(panel.Model.Forecast()).Select(r => r.Forecast), Rows(forecaster.Forecast()).Select(r => r.Forecast)); // nothing moved

        string dir = Path.Combine(Path.GetTempPath(), $"lstm-forecaster-bad-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            string plain = Path.Combine(dir, "plain.zip");
            panel.Ml.Model.Save(panel.Model, panel.Model.ScoringInputSchema, plain);
            Assert.Contains("no forecaster state", Assert.Throws<InvalidDataException>(() => LstmForecaster.Load(panel.Ml, plain)).Message);
            string good = Path.Combine(dir, "good.zip");
            forecaster.Save(panel.Ml, good);
            string damaged = Path.Combine(dir, "damaged.zip");
            Rewrite(good, damaged, bytes => bytes[bytes.Length / 2] ^= 0x40);
            Assert.Contains("checksum", Assert.Throws<InvalidDataException>(() => LstmForecaster.Load(panel.Ml, damaged)).Message);
            string future = Path.Combine(dir, "future.zip");
            Rewrite(good, future, bytes => BitConverter.GetBytes(ForecasterState.FormatVersion + 1).CopyTo(bytes, 4));
            Assert.Contains($"format {ForecasterState.FormatVersion + 1}", Assert.Throws<InvalidDataException>(() => LstmForecaster.Load(panel.Ml, future)).Message);
            string text = Path.Combine(dir, "text.zip");
            File.WriteAllText(text, "not a model");
            Assert.Contains("not a saved model", Assert.Throws<InvalidDataException>(() => LstmForecaster.Load(panel.Ml, text)).Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Copies a saved forecaster with its state entry's bytes changed by <paramref name="edit"/>.</summary>
    private static void Rewrite(string source, string target, Action<byte[]> edit)
    {
        File.Copy(source, target);
        using var zip = ZipFile.Open(target, ZipArchiveMode.Update);
        ZipArchiveEntry entry = zip.GetEntry(ForecasterState.EntryName)!;
        byte[] bytes;
        using (var read = new MemoryStream())
        {
            using (Stream s = entry.Open()) s.CopyTo(read);
            bytes = read.ToArray();
        }
        entry.Delete();
        edit(bytes);
        using Stream write = zip.CreateEntry(ForecasterState.EntryName).Open();
        write.Write(bytes);
    }

    [Fact]
    public void Many_threads_forecast_update_and_dispose_engines_without_breaking_the_shared_forecaster()
    {
        using LstmForecaster forecaster = panel.Model.CreateForecaster();
        float[] expected = Rows(forecaster.Forecast()).Select(r => r.Forecast).ToArray();
        var errors = new System.Collections.Concurrent.ConcurrentBag<Exception>();
        var threads = Enumerable.Range(0, 8).Select(i => new Thread(() =>
        {
            try
            {
                for (int k = 0; k < 15; k++)
                {
                    float[] got = panel.Ml.Data.CreateEnumerable<Row>(forecaster.Forecast(), reuseRowObject: false).Select(r => r.Forecast).ToArray();
                    if (!got.SequenceEqual(expected)) throw new InvalidOperationException($"thread {i}: a forecast changed under concurrency");
                    using var engine = forecaster.CreateForecastEngine<Point, ForecastOutput>(new MLContext(), "b"); // disposed every time
                    if (engine.Predict().Forecast.Length != 4) throw new InvalidOperationException("engine");
                }
            }
            catch (Exception error)
            {
                errors.Add(error);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.Empty(errors);
        Assert.Equal(expected, Rows(forecaster.Forecast()).Select(r => r.Forecast));
        forecaster.Dispose();
        Assert.Throws<ObjectDisposedException>(() => forecaster.Forecast());
    }
}
