using LstmMlNet;
using ScottPlot;

namespace GradientFlowSample;

/// <summary>Line plot of log10 ‖∂L/∂h_t‖ / ‖∂L/∂h_T‖ against the step t, one line per cell.</summary>
internal static class GradientPlot
{
    public static void Save(IReadOnlyDictionary<RecurrentCellKind, double[]> curves, string path)
    {
        var plot = new Plot();
        foreach (var (cell, values) in curves)
        {
            double[] steps = Enumerable.Range(1, values.Length).Select(t => (double)t).ToArray();
            var line = plot.Add.ScatterLine(steps, values);
            line.LegendText = cell.ToString();
            line.LineWidth = 2;
        }
        plot.Title($"Gradient flow through fresh networks, T = {curves.Values.First().Length}, hidden 32");
        plot.XLabel("step t");
        plot.YLabel("log10 of ‖∂L/∂h_t‖ / ‖∂L/∂h_T‖");
        plot.ShowLegend(Alignment.LowerRight);
        plot.SavePng(path, 900, 540);
    }
}
