using BenchmarkDotNet.Attributes;
using LstmMlNet.Forecasting;
using Microsoft.ML;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LstmMlNet.Benchmarks;

/// <summary>
/// Training cost of <c>ml.Forecasting.ForecastByLstm(...).Fit</c> — the whole Fit: reading the column, encoding the
/// windows, the epochs (with the validation tail scored after each), conformal calibration, ONNX export and the ML.NET
/// scoring chain — against a hand-written TorchSharp loop training the same network (one LSTM layer of 64 units over
/// frames [x, 1] of W + h = 35 steps, a one-unit head at the last h = 7 steps, MSE, Adam 1e-3, clipping at norm 5,
/// batch 32, shuffled) on the same 766 training windows, encoded once. Two epoch counts: the difference between them
/// is the cost per epoch, and what remains is the fixed cost of a Fit.
/// </summary>
[Config(typeof(WholeFitRunConfig))]
public class ForecastingTrainingBenchmark
{
    private const int Hidden = 64, Batch = 32;

    private MLContext ml = null!;
    private IDataView data = null!;
    private Tensor frames = null!;
    private Tensor targets = null!;

    /// <summary>Epochs of both sides.</summary>
    [Params(2, 10)]
    public int Epochs { get; set; }

    /// <summary>Training windows (the same on both sides).</summary>
    public int Windows { get; private set; }

    private static LstmForecastingOptions Options(int epochs) => new()
    {
        InputColumnName = nameof(ForecastPoint.Value), WindowSize = ForecastSeries.Window, Horizon = ForecastSeries.Horizon, Epochs = epochs, Seed = 1,
        // Exactly the given epochs on both sides: the default floor of 500 optimiser steps would stretch 2 and 10 epochs
        // of 24 batches to 21.
        MinimumOptimizerSteps = 0,
    };

    [GlobalSetup]
    public void Setup()
    {
        ForecastPoint[] points = ForecastSeries.Points();
        ml = new MLContext(seed: 1);
        data = ml.Data.Cache(ml.Data.LoadFromEnumerable(points));

        // The estimator's training windows: the validation tail (⌈0.2·n⌉ = 200 observations) is held out, so windows
        // whose h targets end before it: ends W … n − tail − h.
        LstmForecastingOptions options = Options(1);
        int w = options.WindowSize, h = options.Horizon, trainEnd = points.Length - Forecasting.ForecastPlanner.TailLength(options, points.Length);
        var layout = new ForecastLayout(w, h, 0, ForecastTargetTransform.None, ForecastScaling.WindowMean, 0f, 1f, Array.Empty<float>(), Array.Empty<float>());
        float[] values = points.Select(p => p.Value).ToArray();
        var x = new List<float>();
        var y = new List<float>();
        for (int end = w; end + h <= trainEnd; end++)
        {
            var (f, m, s) = layout.Encode(values.AsSpan(end - w, w), ReadOnlySpan<float>.Empty);
            x.AddRange(f);
            y.AddRange(layout.Targets(values.AsSpan(end - w, w), values.AsSpan(end, h), m, s));
            Windows++;
        }
        frames = tensor(x.ToArray(), new long[] { Windows, layout.Steps, layout.FrameSize });
        targets = tensor(y.ToArray(), new long[] { Windows, h });
    }

    [Benchmark(Baseline = true, Description = "hand-written TorchSharp loop")]
    public double HandWritten()
    {
        TorchSharp.torch.random.manual_seed(1);
        using var lstm = nn.LSTM(2, Hidden, 1, batchFirst: true);
        using var head = nn.Linear(Hidden, 1);
        Parameter[] parameters = lstm.parameters().Concat(head.parameters()).ToArray();
        var optimizer = optim.Adam(parameters, 1e-3);
        var order = new Random(1);
        int h = ForecastSeries.Horizon;
        double last = 0;
        for (int epoch = 0; epoch < Epochs; epoch++)
        {
            int[] shuffled = Enumerable.Range(0, Windows).ToArray();
            order.Shuffle(shuffled);
            foreach (int[] chunk in shuffled.Chunk(Batch))
            {
                using var scope = NewDisposeScope();
                Tensor index = tensor(chunk.Select(i => (long)i).ToArray());
                var (output, _, _) = lstm.call(frames.index_select(0, index), null);
                Tensor forecast = head.call(output).narrow(1, output.shape[1] - h, h).squeeze(-1);
                Tensor loss = nn.functional.mse_loss(forecast, targets.index_select(0, index));
                optimizer.zero_grad();
                loss.backward();
                nn.utils.clip_grad_norm_(parameters, 5.0);
                optimizer.step();
                last = loss.item<float>();
            }
        }
        return last;
    }

    [Benchmark(Description = "ForecastByLstm Fit")]
    public ITransformer Fit() => ml.Forecasting.ForecastByLstm(Options(Epochs)).Fit(data);
}
