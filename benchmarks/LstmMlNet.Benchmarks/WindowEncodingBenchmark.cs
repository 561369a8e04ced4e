using BenchmarkDotNet.Attributes;
using LstmMlNet.Data;
using LstmMlNet.Forecasting;
using static TorchSharp.torch;

namespace LstmMlNet.Benchmarks;

/// <summary>
/// What encoding a forecaster's windows when a batch reads them costs an epoch: one epoch's draws (256 batches of 32
/// windows, the default 8,192 windows) built into tensors from frames held in memory — the Fit before 2026-12-08, which
/// encoded every window once before training — against frames made by <see cref="ForecastWindows"/> as each batch reads
/// them. The windows are M4 hourly's shape under the defaults (W 186, h 48, season 24, Log1p, SeasonalChange, 7 seasonal
/// inputs: 234 steps × 9 values) over a synthetic panel of 60 series × 960 hours (46,080 training windows).
/// </summary>
[Config(typeof(InProcessConfig))]
public class WindowEncodingBenchmark
{
    private const int Batches = 256, BatchSize = 32;

    private SequenceDataset held = null!;
    private SequenceDataset onDemand = null!;
    private int[][] batches = null!;

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        var series = Enumerable.Range(0, 60).Select(i =>
        {
            float level = 100f + 50f * i;
            float[] values = Enumerable.Range(0, 960)
                .Select(t => level * (1.2f + MathF.Sin(2 * MathF.PI * t / 24) + 0.3f * MathF.Sin(2 * MathF.PI * t / 168)) + 5f * (float)rng.NextDouble())
                .ToArray();
            return new Series($"s{i}", values, Array.Empty<float>(), Enumerable.Range(0, values.Length).Select(t => (long)t).ToArray());
        }).ToArray();
        var layout = new ForecastLayout(186, 48, 0, ForecastTargetTransform.Log1p, ForecastScaling.SeasonalChange, 0f, 1f,
            Array.Empty<float>(), Array.Empty<float>(), 24, true, 7);
        var (train, _, _) = ForecastWindows.Collect(layout, series, series.Select(s => 192).ToArray(), includeAll: false);
        onDemand = train.ToDataset();
        held = onDemand.Materialized();
        batches = Enumerable.Range(0, Batches).Select(_ => Enumerable.Range(0, BatchSize).Select(_ => rng.Next(onDemand.Count)).ToArray()).ToArray();
    }

    /// <summary>Training windows of the panel.</summary>
    public int Windows => onDemand.Count;

    [Benchmark(Baseline = true, Description = "one epoch's batches (8,192 windows) from frames held in memory")]
    public long Held() => Build(held);

    [Benchmark(Description = "the same batches from frames encoded when read")]
    public long OnDemand() => Build(onDemand);

    private long Build(SequenceDataset data)
    {
        long values = 0;
        foreach (int[] batch in batches)
        {
            using var scope = NewDisposeScope();
            values += BatchBuilder.Build(data, batch, CPU).Inputs.numel();
        }
        return values;
    }
}
