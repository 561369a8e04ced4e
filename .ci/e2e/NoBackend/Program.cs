using LstmMlNet;
using Microsoft.ML;

// The failure side of .ci/package-e2e.sh: an app that references LstmMlNet.Comparison (so LstmMlNet and TorchSharp only
// transitively) and no TorchSharp native backend. Its first Fit must throw InvalidOperationException naming the package
// to add, not end the process inside TorchSharp: exit 0. TorchSharp's own fallback (copying the NuGet cache's libtorch
// beside the app at run time) can make it train where the system libstdc++ has GLIBCXX_3.4.32: exit 3.
var ml = new MLContext(seed: 1);
var series = Enumerable.Range(0, 40).Select(i => new Point { Value = 10 + MathF.Sin(i) }).ToArray();
try
{
    ml.Forecasting.ForecastByLstm("Forecast", nameof(Point.Value), windowSize: 4, horizon: 2).Fit(ml.Data.LoadFromEnumerable(series));
    Console.WriteLine("no-backend: Fit succeeded without a TorchSharp backend package (TorchSharp's fallback to the NuGet cache).");
    return 3;
}
catch (InvalidOperationException e) when (e.Message.Contains("dotnet add package TorchSharp-cpu --version", StringComparison.Ordinal))
{
    Console.WriteLine($"no-backend: Fit threw as expected: {e.Message}");
    return 0;
}

/// <summary>One observation.</summary>
internal sealed class Point
{
    public float Value { get; set; }
}
