using System.Diagnostics;
using System.Globalization;
using LstmMlNet.Forecasting;
using Microsoft.ML;

namespace LstmMlNet.Benchmarks;

/// <summary>
/// <c>--fit-scale N [epochs] [windows-per-epoch]</c>: one Fit on the first N series of the synthetic short-series panel
/// (<see cref="ScaleFit.ShortLength"/> hourly steps, as <see cref="PanelFitScaleBenchmark"/>) in a fresh process, so the
/// process's peak working set is that Fit's; then one <c>Forecast()</c> of every series read row by row. Prints the
/// fit's phases as its log stamps them (reading and planning, windows, epochs, calibration and export) and the memory.
/// </summary>
internal static class FitScaleProbe
{
    public static void Run(int series, int epochs, int windowsPerEpoch)
    {
        var panel = Panel.From(new SyntheticPanel(series, ScaleFit.ShortLength, ScaleFit.ShortLength, seed: 1), "synthetic");
        Console.WriteLine($"panel: {series:N0} series × {ScaleFit.ShortLength}, {panel.Rows:N0} rows; {ScaleFit.Memory()}");
        var ml = new MLContext(seed: 1);
        var clock = Stopwatch.StartNew();
        ml.Log += (_, e) =>
        {
            if (e.Kind == Microsoft.ML.Runtime.ChannelMessageKind.Info && (e.Message.Contains("ForecastByLstm", StringComparison.Ordinal) || e.Message.Contains("epoch ", StringComparison.Ordinal)))
                Console.WriteLine($"  {clock.Elapsed.TotalSeconds,7:F1} s  {(e.Message.Length > 160 ? e.Message[..160] + "…" : e.Message)}");
        };
        LstmForecastingTransformer model = ScaleFit.Fit(ml, panel, ScaleFit.ShortSeriesOptions(epochs, windowsPerEpoch));
        double fit = clock.Elapsed.TotalSeconds;
        ForecastFitReport report = model.FitReport;
        double inEpochs = report.History.Sum(e => e.Seconds);
        Console.WriteLine($"fit: {fit:F1} s, of which epochs {inEpochs:F1} s ({string.Join(", ", report.History.Select(e => e.Seconds.ToString("F2", CultureInfo.InvariantCulture)))}); " +
            $"{report.TrainingWindows:N0} training windows, {report.CalibrationWindows:N0} calibration windows, season {report.Seasonality}, W {report.WindowSize}; {ScaleFit.Memory()}");
        using LstmForecaster forecaster = model.CreateForecaster();
        clock.Restart();
        double sum = PanelForecastBenchmark.Read(ml, forecaster.Forecast());
        Console.WriteLine($"Forecast() + read: {clock.Elapsed.TotalSeconds:F2} s ({sum:G3}); {ScaleFit.Memory()}");
    }
}
