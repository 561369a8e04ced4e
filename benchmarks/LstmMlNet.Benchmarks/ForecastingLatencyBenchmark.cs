using BenchmarkDotNet.Attributes;
using LstmMlNet.Engine;
using LstmMlNet.Forecasting;
using LstmMlNet.Onnx;
using LstmMlNet.Training;
using Microsoft.ML;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using static TorchSharp.torch;

namespace LstmMlNet.Benchmarks;

/// <summary>
/// Latency of one forecast (W = 28, h = 7, one LSTM layer of 64 units, forecast and both bounds) three ways:
/// <c>LstmForecastEngine.Predict()</c> (ML.NET PredictionEngine over OnnxTransformer over the exported graph); ONNX
/// Runtime's <c>InferenceSession.Run</c> called directly on the same graph bytes (the baseline: nothing but the runtime);
/// and TorchSharp eval of the same network (same spec and layout; its weights are not the trained ones, which does not
/// change the work) with the same pre- and post-processing done in C#: window scaling, frames, forward under
/// <c>no_grad</c>, levels and bounds. Beside them, the cost of the engine's thread-safety lock alone (one uncontended
/// enter and exit, which every <c>Predict</c> pays), and one <c>Update</c> with adaptive bounds (which forecasts the origin
/// to score it later) and with split-conformal ones.
/// </summary>
[Config(typeof(LatencyConfig))]
[MemoryDiagnoser]
public class ForecastingLatencyBenchmark
{
    private LstmForecastEngine<ForecastPoint, ForecastVectors> engine = null!;
    private LstmForecastEngine<ForecastPoint, ForecastVectors> staticEngine = null!;
    private ForecastPoint[] observations = null!;
    private int next;
    private InferenceSession session = null!;
    private InferenceSession singleThreaded = null!;
    private SequenceNetwork network = null!;
    private ForecastLayout layout = null!;
    private float[] quantiles = null!;
    private float[] window = null!;

    [GlobalSetup]
    public void Setup()
    {
        var ml = new MLContext(seed: 1);
        LstmForecastingTransformer model = ml.Forecasting.ForecastByLstm(new LstmForecastingOptions
        {
            InputColumnName = nameof(ForecastPoint.Value), WindowSize = ForecastSeries.Window, Horizon = ForecastSeries.Horizon, Epochs = 2, Seed = 1,
        }).Fit(ml.Data.LoadFromEnumerable(ForecastSeries.Points()));
        engine = model.CreateForecastEngine<ForecastPoint, ForecastVectors>(ml);
        staticEngine = ml.Forecasting.ForecastByLstm(new LstmForecastingOptions
        {
            InputColumnName = nameof(ForecastPoint.Value), WindowSize = ForecastSeries.Window, Horizon = ForecastSeries.Horizon, Epochs = 2, Seed = 1,
            IntervalMethod = ForecastIntervalMethod.SplitConformal,
        }).Fit(ml.Data.LoadFromEnumerable(ForecastSeries.Points())).CreateForecastEngine<ForecastPoint, ForecastVectors>(ml);
        observations = ForecastSeries.Points();
        window = engine.History.ToArray();
        session = new InferenceSession(model.OnnxModel());
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        singleThreaded = new InferenceSession(model.OnnxModel(), options);
        layout = model.Layout;
        quantiles = model.FitReport.Quantiles.ToArray();
        TorchSharp.torch.random.manual_seed(1);
        network = new SequenceNetwork(new NetworkSpec(new FrameInput(layout.FrameSize), 1, RecurrentCellKind.Lstm, 64, 1, false));
        network.eval();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        engine.Dispose();
        staticEngine.Dispose();
        session.Dispose();
        singleThreaded.Dispose();
        network.Dispose();
    }

    [Benchmark(Baseline = true, Description = "ONNX Runtime InferenceSession.Run, same graph")]
    public float OnnxRuntimeDirect() => Run(session);

    [Benchmark(Description = "ONNX Runtime InferenceSession.Run, same graph, 1 intra-op thread")]
    public float OnnxRuntimeDirectSingleThread() => Run(singleThreaded);

    private float Run(InferenceSession on)
    {
        var inputs = new[] { NamedOnnxValue.CreateFromTensor("Window", new DenseTensor<float>((float[])window.Clone(), new[] { 1, window.Length })) };
        using var results = on.Run(inputs);
        float sum = 0;
        foreach (var result in results) sum += result.AsTensor<float>()[0, 0];
        return sum;
    }

    [Benchmark(Description = "LstmForecastEngine.Predict()")]
    public float EnginePredict()
    {
        ForecastVectors f = engine.Predict();
        return f.Forecast[0] + f.LowerBound[0] + f.UpperBound[0];
    }

    /// <summary>One observation into the adaptive engine (the default): it forecasts the current origin (one scoring call),
    /// scores the pending forecasts, moves the half-widths and pushes the value.</summary>
    [Benchmark(Description = "LstmForecastEngine.Update (adaptive bounds, the default)")]
    public int EngineUpdateAdaptive()
    {
        engine.Update(observations[next++ % observations.Length]);
        return next;
    }

    /// <summary>One observation into an engine with split-conformal bounds: the push alone.</summary>
    [Benchmark(Description = "LstmForecastEngine.Update (split-conformal bounds)")]
    public int EngineUpdateSplitConformal()
    {
        staticEngine.Update(observations[next++ % observations.Length]);
        return next;
    }

    private readonly Lock gate = new();

    /// <summary>What the engine's thread-safety lock adds to each Predict: one uncontended enter and exit.</summary>
    [Benchmark(Description = "uncontended lock enter + exit (LstmForecastEngine's per-call cost)")]
    public int LockAlone()
    {
        lock (gate) return window.Length;
    }

    [Benchmark(Description = "TorchSharp eval, same network and pre/post-processing")]
    public float TorchSharpForward()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (frames, m, s) = layout.Encode(window, ReadOnlySpan<float>.Empty);
        float[] output = ForecastObjective.Predict(network, tensor(frames, new long[] { 1, layout.Steps, layout.FrameSize }), tensor(new long[] { layout.Steps }), layout.Horizon)
            .data<float>().ToArray();
        float[] levels = layout.Levels(window, output, m, s);
        float sum = 0;
        for (int k = 0; k < levels.Length; k++)
            sum += layout.Unlevel(levels[k]) + layout.Unlevel(levels[k] - quantiles[k] * s) + layout.Unlevel(levels[k] + quantiles[k] * s);
        return sum;
    }
}
