namespace LstmMlNet.Benchmarks;

/// <summary>
/// A quick Stopwatch sweep (not BenchmarkDotNet) of <see cref="CpuRecurrentLayerBenchmark"/>'s three training steps and
/// the two forward passes at given shapes, for choosing where the fused CPU layer is the default:
/// <c>--layer-sweep [g]B,T,I,H ...</c> (prefix g for GRU). Per shape: 5 warm-up rounds, then the best of 3 means of 20
/// calls each, in milliseconds.
/// </summary>
public static class CpuLayerSweep
{
    /// <summary>Measures and prints one shape, e.g. "64,100,32,128" (LSTM) or "g32,45,128,128" (GRU).</summary>
    public static void Run(string arg)
    {
        string cell = arg.StartsWith('g') ? "GRU" : "LSTM";
        var bench = new CpuRecurrentLayerBenchmark { Shape = arg.TrimStart('g'), Cell = cell };
        bench.Setup();
        for (int k = 0; k < 5; k++)
        {
            bench.FusedCpuLayer();
            bench.LibTorch();
            bench.MatrixProducts();
        }
        double ours = Best(bench.FusedCpuLayer), libTorch = Best(bench.LibTorch), floor = Best(bench.MatrixProducts);
        double oursForward = Best(bench.OursForward), libTorchForward = Best(bench.TorchForward);
        Console.WriteLine($"{cell} {bench.Shape}: step: layer {ours:F2} ms, libtorch {libTorch:F2} ms, GEMM floor {floor:F2} ms, " +
            $"speed-up {libTorch / ours:F2}; forward only: layer {oursForward:F2} ms, libtorch {libTorchForward:F2} ms");
    }

    private static double Best(Func<float> step)
    {
        const int Calls = 20;
        double best = double.MaxValue;
        for (int round = 0; round < 3; round++)
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            for (int k = 0; k < Calls; k++) step();
            best = Math.Min(best, watch.Elapsed.TotalMilliseconds / Calls);
        }
        return best;
    }
}
