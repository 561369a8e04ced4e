using System.Diagnostics;
using System.Globalization;
using LstmMlNet;
using M4HourlySample;
using Microsoft.ML;
using Microsoft.ML.Data;
using ScottPlot;

// M4 hourly: ONE global ForecastByLstm over the 414 series (SeriesIdColumnName), 48 steps after each training series,
// scored with M4's sMAPE, MASE and OWA beside naive, seasonal naive and Naive2 computed here from the same files.
// Flags (all optional): --series N (first N series), --data DIR, --seed S, --window W, --windows-per-epoch N,
// --epochs E, --hidden H, --loss SquaredError|AbsoluteError, --scaling WindowMean|WindowDeviation|..., --seasonality P,
// --baseline Automatic|LastValue|SeasonalNaive, --baseline-guard true|false, --transform None|Log1p|Difference, --ensemble K, --batch B, --lr X, --plot PATH,
// --per-series FILE (each series' sMAPE and MASE, tab-separated), --forecasts FILE (the forecasts, one line per series).
var flags = Flags.Parse(args);
string dataDir = flags.Get("data") ?? DownloadedData();
if (!File.Exists(Path.Combine(dataDir, "Hourly-train.csv")) || !File.Exists(Path.Combine(dataDir, "Hourly-test.csv")))
{
    Console.Error.WriteLine($"The M4 hourly files (Hourly-train.csv, Hourly-test.csv) are not in {dataDir}. Download them once with");
    Console.Error.WriteLine("  samples/M4Hourly/download-m4.sh");
    Console.Error.WriteLine("(two curl commands, see samples/data/README.md), or pass --data DIR naming a folder that holds them.");
    return 1;
}
int limit = int.Parse(flags.Get("series") ?? "0", CultureInfo.InvariantCulture);
int seed = int.Parse(flags.Get("seed") ?? "1", CultureInfo.InvariantCulture);
List<M4Series> series = M4Data.Load(Path.Combine(dataDir, "Hourly-train.csv"), Path.Combine(dataDir, "Hourly-test.csv"), limit);
int h = M4Data.Horizon, m = M4Data.Seasonality;
Console.WriteLine($"M4 hourly: {series.Count} series, {series.Sum(s => s.Train.Length):N0} training values ({series.Min(s => s.Train.Length)}–{series.Max(s => s.Train.Length)} a series), horizon {h}");

var ml = new MLContext(seed: seed);
ml.Log += (_, e) =>
{
    if (e.Kind == Microsoft.ML.Runtime.ChannelMessageKind.Info && (e.Message.Contains("ForecastByLstm") || e.Message.Contains("epoch ")))
        Console.WriteLine($"  {e.Message}");
};
var options = new LstmForecastingOptions { InputColumnName = nameof(SeriesRow.Value), SeriesIdColumnName = nameof(SeriesRow.SeriesId), Horizon = h, Seed = seed };
flags.Apply(options);
IDataView training = ml.Data.LoadFromEnumerable(series.SelectMany(s => s.Train.Select(v => new SeriesRow { SeriesId = s.Id, Value = v })));

var clock = Stopwatch.StartNew();
LstmForecastingTransformer model = ml.Forecasting.ForecastByLstm(options).Fit(training);
double fitSeconds = clock.Elapsed.TotalSeconds;
ForecastFitReport report = model.FitReport;
int windowsSeen = report.History.Count * Math.Min(report.TrainingWindows, options.WindowsPerEpoch > 0 ? options.WindowsPerEpoch : int.MaxValue);
Console.WriteLine($"Fit: {fitSeconds:F1} s, {report.History.Count} epochs, W {model.WindowSize}, season {report.Seasonality}, network weight {report.NetworkWeight:G2}, {report.Parameters:N0} parameters, " +
    $"{windowsSeen:N0} windows trained ({windowsSeen / report.History.Sum(e => e.Seconds):N0} windows/s in the epochs), peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024):N0} MiB");

// The 48 steps after each training series: every series in one batched call (one row per series and step, series in
// training order), at the fit's level and at 80%.
IDataView forecasts = model.Forecast(levels: [options.ConfidenceLevel, 0.8f]);
string fitLevel = (options.ConfidenceLevel * 100.0).ToString("0.##", CultureInfo.InvariantCulture);
float[][] Column(string name) => forecasts.GetColumn<float>(name).Chunk(h).ToArray();
float[][] lstm = Column(options.OutputColumnName);
float[][] lower = Column($"{options.ConfidenceLowerBoundColumn}_{fitLevel}");
float[][] upper = Column($"{options.ConfidenceUpperBoundColumn}_{fitLevel}");
float[][] lower80 = Column($"{options.ConfidenceLowerBoundColumn}_80");
float[][] upper80 = Column($"{options.ConfidenceUpperBoundColumn}_80");

var naive = series.Select(s => M4Evaluation.Naive(s.Train, h)).ToList();
var seasonalNaive = series.Select(s => M4Evaluation.SeasonalNaive(s.Train, h, m)).ToList();
var naive2 = series.Select(s => M4Evaluation.Naive2(s.Train, h, m)).ToList();
var n2 = M4Evaluation.Score(series, naive2, m);
Console.WriteLine();
Console.WriteLine($"M4 hourly, {series.Count} series, h = {h}        sMAPE     MASE     OWA");
void Row(string name, IReadOnlyList<float[]> forecasts)
{
    var score = M4Evaluation.Score(series, forecasts, m);
    Console.WriteLine($"  {name,-32} {score.Smape,8:F3} {score.Mase,8:F3} {M4Evaluation.Owa(score, n2),7:F3}");
}
Row("Naive 1", naive);
Row("Seasonal naive", seasonalNaive);
Row("Naive 2", naive2);
Row("ForecastByLstm", lstm);

// --per-series FILE: each series' sMAPE and MASE for the network, seasonal naive and Naive2 (tab-separated), to see
// where the averages come from.
if (flags.Get("per-series") is { } perSeriesPath)
{
    using var writer = new StreamWriter(perSeriesPath);
    writer.WriteLine("series\tlength\tmean\tsmape_lstm\tsmape_snaive\tsmape_naive2\tmase_lstm\tmase_snaive\tmase_naive2");
    for (int i = 0; i < series.Count; i++)
    {
        M4Series s = series[i];
        string F(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
        writer.WriteLine(string.Join('\t', s.Id, s.Train.Length.ToString(CultureInfo.InvariantCulture), F(s.Train.Average(v => (double)v)),
            F(M4Evaluation.SymmetricMape(s.Test, lstm[i])), F(M4Evaluation.SymmetricMape(s.Test, seasonalNaive[i])), F(M4Evaluation.SymmetricMape(s.Test, naive2[i])),
            F(M4Evaluation.Mase(s.Train, s.Test, lstm[i], m)), F(M4Evaluation.Mase(s.Train, s.Test, seasonalNaive[i], m)), F(M4Evaluation.Mase(s.Train, s.Test, naive2[i], m))));
    }
    Console.WriteLine($"Per-series scores: {perSeriesPath}");
}

// --forecasts FILE: the network's 48 forecasts of each series, one line per series (id, then the values), for combining
// runs offline (e.g. the median of several seeds).
if (flags.Get("forecasts") is { } forecastsPath)
{
    File.WriteAllLines(forecastsPath, series.Select((s, i) => string.Join(',', lstm[i].Select(v => v.ToString("R", CultureInfo.InvariantCulture)).Prepend(s.Id))));
    Console.WriteLine($"Forecasts: {forecastsPath}");
}

// Interval quality of the 95% bounds: coverage, mean width relative to the series' scale, Winkler (interval) score, over
// all steps and per block of 12 steps (one origin per series: the bounds are Fit's split-conformal ones).
double alpha = 1 - options.ConfidenceLevel;
(double Coverage, double Width, double Winkler) Interval(int from, int to, float[][]? lowerBounds = null, float[][]? upperBounds = null, double? miss = null)
{
    lowerBounds ??= lower;
    upperBounds ??= upper;
    double a = miss ?? alpha;
    int inside = 0, total = 0;
    double width = 0, winkler = 0;
    for (int i = 0; i < series.Count; i++)
    {
        double scale = M4Evaluation.SeasonalNaiveScale(series[i].Train, m);
        for (int k = from; k < to; k++)
        {
            float y = series[i].Test[k], lo = lowerBounds[i][k], hi = upperBounds[i][k];
            if (y >= lo && y <= hi) inside++;
            total++;
            width += (hi - lo) / scale;
            winkler += ((hi - lo) + (y < lo ? 2 / a * (lo - y) : 0) + (y > hi ? 2 / a * (y - hi) : 0)) / scale;
        }
    }
    return (inside / (double)total, width / total, winkler / total);
}
var overall = Interval(0, h);
Console.WriteLine($"  {options.ConfidenceLevel:P0} bounds: coverage {overall.Coverage:P1}, mean width {overall.Width:F2} and Winkler score {overall.Winkler:F2} (both in units of each series' in-sample seasonal-naive MAE)");
for (int from = 0; from < h; from += 12)
{
    var block = Interval(from, Math.Min(h, from + 12));
    Console.WriteLine($"    steps {from + 1,2}–{Math.Min(h, from + 12),2}: coverage {block.Coverage:P1}, width {block.Width:F2}, Winkler {block.Winkler:F2}");
}
var eighty = Interval(0, h, lower80, upper80, 0.2);
Console.WriteLine($"  80% bounds (asked for after Fit): coverage {eighty.Coverage:P1}, mean width {eighty.Width:F2}, Winkler {eighty.Winkler:F2}");

// A PNG of four series: the last two weeks of history, the forecast with its bounds, and what happened.
string plotPath = flags.Get("plot") ?? Path.Combine(AppContext.BaseDirectory, "m4-hourly.png");
var plot = new Multiplot();
plot.AddPlots(4);
for (int p = 0; p < 4 && p < series.Count; p++)
{
    int i = p * Math.Max(1, series.Count / 4);
    Plot panel = plot.GetPlot(p);
    double[] past = Enumerable.Range(-336, 336).Select(t => (double)t).ToArray();
    double[] future = Enumerable.Range(0, h).Select(t => (double)t).ToArray();
    panel.Add.Scatter(past, series[i].Train[^336..].Select(v => (double)v).ToArray()).LegendText = "history";
    var band = panel.Add.FillY(future, lower[i].Select(v => (double)v).ToArray(), upper[i].Select(v => (double)v).ToArray());
    band.LegendText = "95% bounds";
    panel.Add.Scatter(future, series[i].Test.Select(v => (double)v).ToArray()).LegendText = "actual";
    panel.Add.Scatter(future, lstm[i].Select(v => (double)v).ToArray()).LegendText = "ForecastByLstm";
    panel.Title($"M4 {series[i].Id}");
    panel.ShowLegend();
}
plot.SavePng(plotPath, 1400, 900);
Console.WriteLine($"Plot: {plotPath}");
return 0;

// samples/data/m4 of the repository the binary was built in, where download-m4.sh puts the files.
static string DownloadedData()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "LstmMlNet.sln"))) return Path.Combine(dir.FullName, "samples", "data", "m4");
    }
    return Path.Combine("samples", "data", "m4");
}

/// <summary>One observation of one series: the training rows of the global model.</summary>
internal sealed class SeriesRow
{
    public string SeriesId { get; set; } = string.Empty;

    public float Value { get; set; }
}

/// <summary>The command line's --name value pairs and the options they override.</summary>
internal sealed class Flags(Dictionary<string, string> values)
{
    public static Flags Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"Unexpected argument '{args[i]}'; flags look like --series 40.");
            string name = args[i][2..];
            values[name] = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : "true";
        }
        return new Flags(values);
    }

    public string? Get(string name) => values.TryGetValue(name, out string? v) ? v : null;

    public void Apply(LstmForecastingOptions o)
    {
        static int I(string v) => int.Parse(v, CultureInfo.InvariantCulture);
        if (Get("window") is { } w) o.WindowSize = I(w);
        if (Get("windows-per-epoch") is { } n) o.WindowsPerEpoch = I(n);
        if (Get("epochs") is { } e) o.Epochs = I(e);
        if (Get("hidden") is { } hs) o.Network.HiddenSize = I(hs);
        if (Get("batch") is { } b) o.BatchSize = I(b);
        if (Get("lr") is { } lr) o.LearningRate = double.Parse(lr, CultureInfo.InvariantCulture);
        if (Get("seasonality") is { } p) o.Seasonality = I(p);
        if (Get("loss") is { } loss) o.Loss = Enum.Parse<ForecastLoss>(loss);
        if (Get("scaling") is { } scaling) o.Scaling = Enum.Parse<ForecastScaling>(scaling);
        if (Get("schedule") is { } schedule) o.Schedule = Enum.Parse<LstmMlNet.LearningRateSchedule>(schedule);
        if (Get("cell") is { } cell) o.Network.Cell = Enum.Parse<LstmMlNet.RecurrentCellKind>(cell);
        if (Get("baseline") is { } baseline) o.Baseline = Enum.Parse<ForecastBaseline>(baseline);
        if (Get("baseline-guard") is { } guard) o.BaselineGuard = bool.Parse(guard);
        if (Get("ensemble") is { } ensemble) o.EnsembleSize = I(ensemble);
        if (Get("transform") is { } transform) o.TargetTransform = Enum.Parse<ForecastTargetTransform>(transform);
    }
}
