using System.Diagnostics;
using LstmMlNet.Forecasting;
using M4HourlySample;
using Microsoft.ML;

namespace LstmMlNet.Benchmarks;

/// <summary>A panel held as arrays: ids and values per series, and where it came from.</summary>
internal sealed class Panel(string source, string[] ids, float[][] values)
{
    public string Source { get; } = source;

    public string[] Ids { get; } = ids;

    public float[][] Values { get; } = values;

    public long Rows => Values.Sum(v => (long)v.Length);

    /// <summary>Every row, series after series, generated lazily.</summary>
    public IEnumerable<PanelRow> EnumerateRows()
    {
        for (int i = 0; i < Ids.Length; i++)
        {
            string id = Ids[i];
            foreach (float v in Values[i]) yield return new PanelRow { SeriesId = id, Value = v };
        }
    }

    public IDataView DataView(MLContext ml) => ml.Data.LoadFromEnumerable(EnumerateRows());

    public static Panel From(SyntheticPanel panel, string name) =>
        new(name, Enumerable.Range(0, panel.Count).Select(SyntheticPanel.Id).ToArray(), Enumerable.Range(0, panel.Count).Select(panel.Values).ToArray());

    /// <summary>M4 hourly's 414 training series (shared/data/m4 above the binary, as the tests find it), or where the files
    /// are absent a synthetic panel of the same shape: 414 series of 700–960 observations.</summary>
    public static Panel M4HourlyShaped()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string train = Path.Combine(dir.FullName, "shared", "data", "m4", "Hourly-train.csv");
            string test = Path.Combine(dir.FullName, "shared", "data", "m4", "Hourly-test.csv");
            if (File.Exists(train) && File.Exists(test))
            {
                List<M4Series> series = M4Data.Load(train, test);
                return new Panel($"M4 hourly ({train})", series.Select(s => s.Id).ToArray(), series.Select(s => s.Train).ToArray());
            }
        }
        return From(new SyntheticPanel(414, 700, 960, seed: 1), "synthetic, 414 series of 700–960 (M4 hourly's files not found)");
    }
}

/// <summary>The fit options of the scale benchmarks: M4 hourly's (h = 48, the window and season automatic: W = 72, P = 24
/// on M4), a short fixed budget (the timings do not depend on accuracy), seed 1.</summary>
internal static class ScaleFit
{
    public const int Horizon = M4Data.Horizon;

    public static LstmForecastingOptions Options(int epochs, int windowsPerEpoch) => new()
    {
        InputColumnName = nameof(PanelRow.Value), SeriesIdColumnName = nameof(PanelRow.SeriesId), Horizon = Horizon, Seed = 1,
        Epochs = epochs, WindowsPerEpoch = windowsPerEpoch, MinimumOptimizerSteps = 0,
    };

    /// <summary>The short-series panels of the 100,000-series benchmarks: M4's season and window, P = 24 and W = 72, fixed
    /// (the automatic rule would cap W at a third of the training part), a validation tail of one horizon (one calibration window a series: 100,000
    /// calibration windows for the large panel).</summary>
    public static LstmForecastingOptions ShortSeriesOptions(int epochs, int windowsPerEpoch)
    {
        LstmForecastingOptions options = Options(epochs, windowsPerEpoch);
        options.Seasonality = 24;
        options.WindowSize = 72;
        options.ValidationTailLength = Horizon;
        return options;
    }

    /// <summary>Observations per series of the 100,000-series panels: 7.5 days of hours, the shortest that leaves, after the
    /// 48-step tail, 13 training windows of W + h = 120 (the encoded windows of 100,000 series then take about 3.5 GB).</summary>
    public const int ShortLength = 180;

    public static LstmForecastingTransformer Fit(MLContext ml, Panel panel, LstmForecastingOptions options) =>
        ml.Forecasting.ForecastByLstm(options).Fit(panel.DataView(ml));

    /// <summary>One line about the process: working set, its peak, the managed heap.</summary>
    public static string Memory()
    {
        using var process = Process.GetCurrentProcess();
        return $"working set {process.WorkingSet64 / 1048576.0:N0} MiB (peak {process.PeakWorkingSet64 / 1048576.0:N0} MiB), managed heap {GC.GetTotalMemory(false) / 1048576.0:N0} MiB";
    }
}

/// <summary>A row of <c>LstmForecaster.Forecast()</c>'s output at the default columns.</summary>
public sealed class ForecastStepRow
{
    public string SeriesId { get; set; } = string.Empty;

    public int Step { get; set; }

    public float Forecast { get; set; }

    public float LowerBound { get; set; }

    public float UpperBound { get; set; }
}
