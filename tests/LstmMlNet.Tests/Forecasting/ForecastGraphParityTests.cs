using LstmMlNet.Engine;
using LstmMlNet.Forecasting;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using static TorchSharp.torch;

namespace LstmMlNet.Tests.Forecasting;

/// <summary>The exported forecasting graph (pre-processing, network, decoding, bounds) against the same steps done in C#
/// and TorchSharp, for every target transform, scaling and with or without covariates (relative to the window's last
/// step under WindowMean levels, absolute otherwise; with covariates the network has a step skip).</summary>
public sealed class ForecastGraphParityTests
{
    [Theory]
    [InlineData(ForecastTargetTransform.None, ForecastScaling.WindowMean, 0)]
    [InlineData(ForecastTargetTransform.None, ForecastScaling.WindowMean, 3)]
    [InlineData(ForecastTargetTransform.Log1p, ForecastScaling.WindowMean, 2)]
    [InlineData(ForecastTargetTransform.Difference, ForecastScaling.WindowMean, 0)]
    [InlineData(ForecastTargetTransform.Difference, ForecastScaling.Standard, 3)]
    [InlineData(ForecastTargetTransform.None, ForecastScaling.None, 1)]
    [InlineData(ForecastTargetTransform.None, ForecastScaling.WindowChange, 2)]
    [InlineData(ForecastTargetTransform.Log1p, ForecastScaling.WindowChange, 0)]
    [InlineData(ForecastTargetTransform.Difference, ForecastScaling.WindowChange, 0)]
    public void Onnx_forecast_and_bounds_equal_the_managed_computation(ForecastTargetTransform transform, ForecastScaling scaling, int covariates)
    {
        const int w = 9, h = 4;
        TorchSharp.torch.random.manual_seed(3);
        var rng = new Random(3);
        var layout = new ForecastLayout(w, h, covariates, transform, scaling, 0.3f, 1.7f,
            Enumerable.Range(0, covariates).Select(k => 0.1f * k).ToArray(), Enumerable.Range(0, covariates).Select(k => 1f + k).ToArray());
        using var network = new SequenceNetwork(new NetworkSpec(SequenceInputKind.Frames, 1, RecurrentCellKind.Lstm, 6, 2, true, FrameSize: layout.FrameSize,
            StepSkip: covariates > 0));
        if (network.Skip is { } skip)
        {
            using var noGrad = no_grad();
            skip.weight!.uniform_(-1, 1); // the skip starts at zero: give it weights that show in the output
        }
        network.eval();
        float[] quantiles = { 0.5f, 0.8f, 1.1f, 1.4f };
        byte[] onnx = ForecastGraph.Export(network, layout, quantiles, "F", "L", "U", new Dictionary<string, string>());
        using var session = new InferenceSession(onnx);
        for (int trial = 0; trial < 5; trial++)
        {
            float[] window = Enumerable.Range(0, w).Select(_ => (float)(50 + 40 * rng.NextDouble())).ToArray();
            float[] cov = Enumerable.Range(0, (w + h) * covariates).Select(_ => (float)rng.NextDouble()).ToArray();

            var (frames, m, s) = layout.Encode(window, cov);
            float[] net;
            using (no_grad())
            {
                net = ForecastObjective.Predict(network, tensor(frames, new long[] { 1, layout.Steps, layout.FrameSize }), tensor(new long[] { layout.Steps }), h).data<float>().ToArray();
            }
            float[] levels = layout.Levels(window, net, m, s);
            float[] expectedF = levels.Select(layout.Unlevel).ToArray();
            float[] expectedL = levels.Select((l, k) => layout.Unlevel(l - quantiles[k] * s)).ToArray();
            float[] expectedU = levels.Select((l, k) => layout.Unlevel(l + quantiles[k] * s)).ToArray();

            var inputs = new List<NamedOnnxValue> { NamedOnnxValue.CreateFromTensor("Window", new DenseTensor<float>(window, new[] { 1, w })) };
            if (covariates > 0) inputs.Add(NamedOnnxValue.CreateFromTensor("Covariates", new DenseTensor<float>(cov, new[] { 1, cov.Length })));
            using var results = session.Run(inputs);
            float[] Get(string name) => results.Single(r => r.Name == name).AsTensor<float>().ToArray();
            AssertClose(expectedF, Get("F"));
            AssertClose(expectedL, Get("L"));
            AssertClose(expectedU, Get("U"));
            Assert.All(Enumerable.Range(0, h), k => Assert.True(Get("L")[k] <= Get("F")[k] && Get("F")[k] <= Get("U")[k]));
        }
    }

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double tolerance = 1e-4 * Math.Max(1, Math.Abs(expected[i]));
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"slot {i}: managed {expected[i]}, ONNX {actual[i]}");
        }
    }
}
