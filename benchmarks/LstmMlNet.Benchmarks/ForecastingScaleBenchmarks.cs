using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using LstmMlNet.Forecasting;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LstmMlNet.Benchmarks;

/// <summary>The scale benchmarks' runs: in process, one operation an iteration, ratios written as "12.3x faster".</summary>
public abstract class ScaleRunConfig : InProcessRunConfig
{
    protected ScaleRunConfig(int warmups, int iterations)
        : base(warmups, iterations, 1) => WithSummaryStyle(SummaryStyle.Default.WithRatioStyle(RatioStyle.Trend));
}

/// <summary>For operations of tens of milliseconds to a few seconds: two warm-ups, ten measured iterations.</summary>
public sealed class ShortRunConfig() : ScaleRunConfig(2, 10);

/// <summary>For operations of seconds to a minute: one warm-up, three measured iterations.</summary>
public sealed class ScaleMinuteRunConfig() : ScaleRunConfig(1, 3);

/// <summary>
/// Issue 30 (forecasts in production), a: forecasting every series of an M4-hourly-shaped panel (414 series, h = 48,
/// W = 72; the real M4 training series when ../shared/data/m4 is there) after <c>LstmForecaster.Load</c> from a saved file:
/// one <c>Forecast()</c> call read row by row through <c>CreateEnumerable</c>, against the way it was done before the
/// forecaster, one forecast engine per series (<c>CreateForecastEngine</c> + <c>Predict</c>).
/// </summary>
[Config(typeof(ShortRunConfig))]
[MemoryDiagnoser]
public class PanelForecastBenchmark
{
    private MLContext ml = null!;
    private string path = null!;
    private LstmForecaster forecaster = null!;
    private string[] ids = null!;
    private LstmForecastEngine<PanelRow, ForecastVectors>[] engines = null!;

    /// <summary>The saved forecaster, fitted and written once per process (BenchmarkDotNet runs the global setup once per
    /// benchmark; in process they share this), deleted at exit.</summary>
    private static readonly Lazy<string> Saved = new(() =>
    {
        var fitContext = new MLContext(seed: 1);
        Panel panel = Panel.M4HourlyShaped();
        LstmForecastingTransformer model = ScaleFit.Fit(fitContext, panel, ScaleFit.Options(epochs: 1, windowsPerEpoch: 2048));
        string file = Path.Combine(Path.GetTempPath(), $"lstmmlnet-panel-forecaster-{Environment.ProcessId}.zip");
        using (LstmForecaster fitted = model.CreateForecaster()) fitted.Save(fitContext, file);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => File.Delete(file);
        Console.WriteLine($"// {panel.Source}: {panel.Ids.Length} series, {panel.Rows:N0} rows; W {model.WindowSize}, h {model.Horizon}; saved forecaster {new FileInfo(file).Length / 1024.0:N0} KiB");
        return file;
    });

    [GlobalSetup]
    public void Setup()
    {
        path = Saved.Value;
        ml = new MLContext(seed: 1);
        forecaster = LstmForecaster.Load(ml, path);
        ids = forecaster.SeriesIds.ToArray();
        engines = ids.Select(id => forecaster.CreateForecastEngine<PanelRow, ForecastVectors>(ml, id)).ToArray();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var engine in engines) engine.Dispose();
        forecaster.Dispose();
    }

    [Benchmark(Baseline = true, Description = "one engine per series: CreateForecastEngine + Predict, 414 series")]
    public double EnginePerSeries()
    {
        double sum = 0;
        foreach (string id in ids)
        {
            using var engine = forecaster.CreateForecastEngine<PanelRow, ForecastVectors>(ml, id);
            sum += engine.Predict().Forecast[0];
        }
        return sum;
    }

    [Benchmark(Description = "engines made beforehand: Predict only, 414 series")]
    public double PredictOnly()
    {
        double sum = 0;
        foreach (var engine in engines) sum += engine.Predict().Forecast[0];
        return sum;
    }

    [Benchmark(Description = "LstmForecaster.Forecast() + read all rows")]
    public double Forecast() => Read(ml, forecaster.Forecast());

    [Benchmark(Description = "LstmForecaster.Load + Forecast() + read all rows")]
    public double LoadAndForecast()
    {
        using LstmForecaster loaded = LstmForecaster.Load(ml, path);
        return Read(ml, loaded.Forecast());
    }

    /// <summary>Every row of a forecast, as a user reads them.</summary>
    internal static double Read(MLContext ml, IDataView forecast)
    {
        double sum = 0;
        foreach (ForecastStepRow row in ml.Data.CreateEnumerable<ForecastStepRow>(forecast, reuseRowObject: false))
            sum += row.Forecast + row.LowerBound + row.UpperBound + row.Step;
        return sum;
    }
}

/// <summary>
/// Issue 30, c: <c>Transform</c> over every row of the M4-hourly-shaped panel (353,500 rows on M4; a forecast for each row
/// with W = 72 earlier rows in its series) in batched ONNX Runtime calls, read column by column, against the path it
/// replaced, reproduced by hand: one ML.NET <c>PredictionEngine.Predict</c> over <c>ScoringModel</c> per row's window.
/// </summary>
[Config(typeof(ScaleMinuteRunConfig))]
[MemoryDiagnoser]
public class PanelTransformBenchmark
{
    private MLContext ml = null!;
    private LstmForecastingTransformer model = null!;
    private Panel panel = null!;
    private IDataView data = null!;
    private PredictionEngine<LstmForecastInput, ForecastVectors> engine = null!;

    /// <summary>The panel and its model, fitted once per process.</summary>
    private static readonly Lazy<(MLContext, Panel, LstmForecastingTransformer)> Fitted = new(() =>
    {
        var context = new MLContext(seed: 1);
        Panel m4 = Panel.M4HourlyShaped();
        return (context, m4, ScaleFit.Fit(context, m4, ScaleFit.Options(epochs: 1, windowsPerEpoch: 2048)));
    });

    [GlobalSetup]
    public void Setup()
    {
        (ml, panel, model) = Fitted.Value;
        data = ml.Data.LoadFromEnumerable(panel.EnumerateRows().ToArray());
        engine = ml.Model.CreatePredictionEngine<LstmForecastInput, ForecastVectors>(model.ScoringModel, inputSchemaDefinition: model.ScoringInputSchemaDefinition);
        long windows = panel.Values.Sum(v => (long)Math.Max(0, v.Length - model.WindowSize));
        Console.WriteLine($"// {panel.Source}: {panel.Ids.Length} series, {panel.Rows:N0} rows, {windows:N0} of them with a forecast (W {model.WindowSize}, h {model.Horizon})");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        engine.Dispose();
    }

    [Benchmark(Baseline = true, Description = "PredictionEngine.Predict over ScoringModel, one per row (the old Transform)")]
    public double RowByRow()
    {
        int w = model.WindowSize;
        double sum = 0;
        foreach (float[] values in panel.Values)
        {
            for (int t = w; t < values.Length; t++)
                sum += engine.Predict(new LstmForecastInput { Window = values[(t - w)..t] }).Forecast[0];
        }
        return sum;
    }

    [Benchmark(Description = "Transform, batched ONNX Runtime calls + read the Forecast column")]
    public double Batched()
    {
        double sum = 0;
        foreach (float[] forecast in model.Transform(data).GetColumn<float[]>("Forecast"))
        {
            if (!float.IsNaN(forecast[0])) sum += forecast[0];
        }
        return sum;
    }
}

/// <summary>
/// Issue 30, b: one <c>Forecast()</c> call over 100,000 synthetic hourly series (W = 72, h = 48; the forecaster of a fit on
/// that panel: the only way to a forecaster holding 100,000 series' ends), read row by row (4.8 million rows). Beside it,
/// what the call spends where: the call without reading, and the ONNX Runtime scoring of the 100,000 windows alone (one
/// session, the forecaster's scorer). The baseline is the same call for 1,000 of the series, so the ratio is the growth
/// from 1,000 to 100,000 series (100 if linear).
/// </summary>
[Config(typeof(ScaleMinuteRunConfig))]
[MemoryDiagnoser]
public class LargePanelForecastBenchmark
{
    public const int Series = 100_000;

    private MLContext ml = null!;
    private LstmForecaster forecaster = null!;
    private string[] thousand = null!;
    private ForecastScorer scorer = null!;
    private ForecastBatch batch = null!;

    private ForecastBatch[] halves = null!;

    /// <summary>The panel and its model, fitted once per process.</summary>
    private static readonly Lazy<(MLContext, Panel, LstmForecastingTransformer)> Fitted = new(() =>
    {
        var context = new MLContext(seed: 1);
        Panel large = Panel.From(new SyntheticPanel(Series, ScaleFit.ShortLength, ScaleFit.ShortLength, seed: 1), "synthetic");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        LstmForecastingTransformer fitted = ScaleFit.Fit(context, large, ScaleFit.ShortSeriesOptions(epochs: 1, windowsPerEpoch: 2048));
        Console.WriteLine($"// fit on {Series:N0} series of {ScaleFit.ShortLength}: {clock.Elapsed.TotalSeconds:F1} s; {ScaleFit.Memory()}");
        return (context, large, fitted);
    });

    [GlobalSetup]
    public void Setup()
    {
        (ml, Panel panel, LstmForecastingTransformer model) = Fitted.Value;
        forecaster = model.CreateForecaster();
        thousand = forecaster.SeriesIds.Take(1000).ToArray();
        scorer = new ForecastScorer(model.OnnxModel(), model.WindowSize, model.Horizon, 0, 0, false, "Forecast", "LowerBound", "UpperBound");
        batch = scorer.NewBatch(Series);
        for (int i = 0; i < Series; i++) panel.Values[i].AsSpan(^model.WindowSize..).CopyTo(batch.Windows.AsSpan(i * model.WindowSize));
        halves = new[] { scorer.NewBatch(Series / 2), scorer.NewBatch(Series - Series / 2) };
        batch.Windows.AsSpan(0, halves[0].Windows.Length).CopyTo(halves[0].Windows);
        batch.Windows.AsSpan(halves[0].Windows.Length).CopyTo(halves[1].Windows);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        forecaster.Dispose();
        scorer.Dispose();
    }

    [Benchmark(Baseline = true, Description = "Forecast(seriesIds: 1,000 series) + read all rows")]
    public double Thousand() => PanelForecastBenchmark.Read(ml, forecaster.Forecast(seriesIds: thousand));

    [Benchmark(Description = "Forecast() of 100,000 series + read all rows")]
    public double All() => PanelForecastBenchmark.Read(ml, forecaster.Forecast());

    [Benchmark(Description = "Forecast() of 100,000 series, rows not read")]
    public int AllNotRead() => forecaster.Forecast().Schema.Count;

    [Benchmark(Description = "ONNX Runtime scoring alone: 100,000 windows in calls of 1,024")]
    public float ScoringAlone()
    {
        scorer.Score(batch);
        return batch.Forecast[0];
    }

    /// <summary>What scoring on both cores would give: the two halves of the windows scored at once on two threads (the
    /// session is safe for concurrent Run calls; each call keeps one intra-op thread).</summary>
    [Benchmark(Description = "ONNX Runtime scoring alone, two halves on two threads at once")]
    public float ScoringTwoThreads()
    {
        Parallel.ForEach(halves, new ParallelOptions { MaxDegreeOfParallelism = 2 }, half => scorer.Score(half));
        return halves[0].Forecast[0] + halves[1].Forecast[0];
    }
}

/// <summary>
/// Issue 30, d: Fit on 100,000 synthetic series against Fit on 1,000 series of the same length (180 hourly steps, W = 72,
/// h = 48, a tail of one horizon) at the same budget: 2 epochs of 4,096 drawn windows. An epoch costs what its windows cost
/// (the same for both); what grows with the series count is what Fit does per series: reading the rows, the season
/// and baseline choice, encoding every window, scoring every calibration window, the series' end states. Each iteration
/// prints its epoch seconds and the process's memory.
/// </summary>
[Config(typeof(TwoFitRunConfig))]
[MemoryDiagnoser]
public class PanelFitScaleBenchmark
{
    private Panel small = null!, large = null!;

    [GlobalSetup]
    public void Setup()
    {
        large = Panel.From(new SyntheticPanel(LargePanelForecastBenchmark.Series, ScaleFit.ShortLength, ScaleFit.ShortLength, seed: 1), "synthetic");
        small = new Panel("synthetic", large.Ids[..1000], large.Values[..1000]); // the first 1,000 series of the same panel
    }

    private ForecastFitReport? last;

    [IterationCleanup]
    public void Report()
    {
        if (last is null) return;
        Console.WriteLine($"// {last.Series:N0} series, {last.TrainingWindows:N0} training windows, {last.CalibrationWindows:N0} calibration windows; epochs " +
            string.Join(", ", last.History.Select(e => e.Seconds.ToString("F2", CultureInfo.InvariantCulture) + " s")) + $"; {ScaleFit.Memory()}");
        last = null;
        GC.Collect();
    }

    [Benchmark(Baseline = true, Description = "Fit, 1,000 series × 180, 2 epochs of 4,096 windows")]
    public float Thousand() => Fit(small);

    [Benchmark(Description = "Fit, 100,000 series × 180, 2 epochs of 4,096 windows")]
    public float HundredThousand() => Fit(large);

    private float Fit(Panel panel)
    {
        var ml = new MLContext(seed: 1);
        LstmForecastingTransformer model = ScaleFit.Fit(ml, panel, ScaleFit.ShortSeriesOptions(epochs: 2, windowsPerEpoch: 4096));
        last = model.FitReport;
        return model.FitReport.NetworkWeight;
    }
}

/// <summary>For fits of a minute: one warm-up and two measured iterations.</summary>
public sealed class TwoFitRunConfig() : ScaleRunConfig(1, 2);
