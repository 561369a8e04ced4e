using LstmMlNet.Engine;
using LstmMlNet.Forecasting;
using LstmMlNet.Onnx;
using LstmMlNet.Training;
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
    [InlineData(ForecastTargetTransform.None, ForecastScaling.WindowDeviation, 0)]
    [InlineData(ForecastTargetTransform.Log1p, ForecastScaling.WindowDeviation, 2)]
    [InlineData(ForecastTargetTransform.Difference, ForecastScaling.WindowDeviation, 0)]
    [InlineData(ForecastTargetTransform.None, ForecastScaling.WindowMean, 0, 4)]
    [InlineData(ForecastTargetTransform.None, ForecastScaling.WindowDeviation, 2, 3)]
    [InlineData(ForecastTargetTransform.Log1p, ForecastScaling.WindowMean, 1, 9)]
    [InlineData(ForecastTargetTransform.None, ForecastScaling.Standard, 0, 2)]
    [InlineData(ForecastTargetTransform.Difference, ForecastScaling.WindowMean, 0, 3)]
    [InlineData(ForecastTargetTransform.None, ForecastScaling.SeasonalChange, 0, 4, 4)]
    [InlineData(ForecastTargetTransform.Log1p, ForecastScaling.SeasonalChange, 2, 3, 3)]
    [InlineData(ForecastTargetTransform.None, ForecastScaling.SeasonalChange, 1, 0, 1)]
    [InlineData(ForecastTargetTransform.None, ForecastScaling.SeasonalChange, 0, 0, 9)] // lag ≥ W: falls back to 1
    [InlineData(ForecastTargetTransform.Difference, ForecastScaling.SeasonalChange, 0, 0, 3)]
    [InlineData(ForecastTargetTransform.None, ForecastScaling.SeasonalChange, 0, 3, 3, 3)]
    [InlineData(ForecastTargetTransform.Log1p, ForecastScaling.WindowMean, 2, 4, 4, 2)]
    [InlineData(ForecastTargetTransform.None, ForecastScaling.WindowDeviation, 1, 0, 2, 4)]
    public void Onnx_forecast_and_bounds_equal_the_managed_computation(ForecastTargetTransform transform, ForecastScaling scaling, int covariates, int period = 0, int lag = 1, int seasonalLags = 0)
    {
        const int w = 9, h = 4;
        TorchSharp.torch.random.manual_seed(3);
        var rng = new Random(3);
        var layout = new ForecastLayout(w, h, covariates, transform, scaling, 0.3f, 1.7f,
            Enumerable.Range(0, covariates).Select(k => 0.1f * k).ToArray(), Enumerable.Range(0, covariates).Select(k => 1f + k).ToArray(), Math.Max(period, lag), period >= 2, seasonalLags);
        using var network = new SequenceNetwork(new NetworkSpec(new FrameInput(layout.FrameSize, StepSkip: covariates > 0 || seasonalLags > 0), 1, RecurrentCellKind.Lstm, 6, 2, true));
        Assert.Equal(2 + covariates + seasonalLags, layout.FrameSize);
        if (network.Skip is { } skip)
        {
            using var noGrad = no_grad();
            skip.weight!.uniform_(-1, 1); // the skip starts at zero: give it weights that show in the output
        }
        network.eval();
        float[] quantiles = { 0.5f, 0.8f, 1.1f, 1.4f };
        foreach (ForecastIntervalScale unit in Enum.GetValues<ForecastIntervalScale>())
        {
            Check(layout with { IntervalScale = unit });
        }
        Check(layout with { NetworkWeight = 0.5f }); // the baseline guard's blend
        Check(layout with { NetworkWeight = 0f });   // the baseline alone
        if (layout.HasAlternative)
        {
            // The guard's blends with the other simple forecast: the last value beside a seasonal naive baseline, seasonal
            // naive beside a last-value baseline.
            Check(layout with { NetworkWeight = 0.5f, AlternativeWeight = 0.5f });
            Check(layout with { NetworkWeight = 0f, AlternativeWeight = 1f });
            if (layout.SeasonalBaseline) Check(layout with { SeasonalNaiveBaseline = false, NetworkWeight = 0.25f, AlternativeWeight = 0.75f });
        }

        void Check(ForecastLayout layout)
        {
            byte[] onnx = ForecastGraph.Export([network], layout, quantiles, "F", "L", "U", new Dictionary<string, string>());
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
                float sigma = layout.IntervalScaleOf(layout.Series(window), s);
                if (layout.IntervalScale == ForecastIntervalScale.NetworkScale) Assert.Equal(s, sigma);
                float[] expectedL = levels.Select((l, k) => layout.Unlevel(l - quantiles[k] * sigma)).ToArray();
                float[] expectedU = levels.Select((l, k) => layout.Unlevel(l + quantiles[k] * sigma)).ToArray();

                var inputs = new List<NamedOnnxValue> { NamedOnnxValue.CreateFromTensor("Window", new DenseTensor<float>(window, new[] { 1, w })) };
                if (covariates > 0) inputs.Add(NamedOnnxValue.CreateFromTensor("Covariates", new DenseTensor<float>(cov, new[] { 1, cov.Length })));
                using var results = session.Run(inputs);
                float[] Get(string name) => results.Single(r => r.Name == name).AsTensor<float>().ToArray();
                AssertClose(expectedF, Get("F"));
                AssertClose(expectedL, Get("L"));
                AssertClose(expectedU, Get("U"));
                AssertClose(new[] { sigma }, Get(ForecastGraph.IntervalScaleOutput));
                Assert.All(Enumerable.Range(0, h), k => Assert.True(Get("L")[k] <= Get("F")[k] && Get("F")[k] <= Get("U")[k]));
            }
        }
    }

    [Theory]
    [InlineData(ForecastScaling.WindowMean, 0, 2, CalendarFeatures.HourOfDay | CalendarFeatures.DayOfWeek | CalendarFeatures.DayOfYear, 0)]
    [InlineData(ForecastScaling.SeasonalChange, 1, 0, CalendarFeatures.DayOfWeek, 3)]
    [InlineData(ForecastScaling.Standard, 2, 3, CalendarFeatures.None, 0)]
    [InlineData(ForecastScaling.WindowMean, 1, 1, CalendarFeatures.HourOfDay | CalendarFeatures.DayOfYear, 2)]
    public void Onnx_calendar_inputs_and_past_covariates_equal_the_managed_computation(ForecastScaling scaling, int covariates, int past, CalendarFeatures calendar, int seasonalLags)
    {
        const int w = 9, h = 4;
        TorchSharp.torch.random.manual_seed(5);
        var rng = new Random(5);
        int all = covariates + past;
        var layout = new ForecastLayout(w, h, covariates, ForecastTargetTransform.None, scaling, 0.3f, 1.7f,
            Enumerable.Range(0, all).Select(k => 0.1f * k).ToArray(), Enumerable.Range(0, all).Select(k => 1f + k).ToArray(), 3, seasonalLags > 0, seasonalLags,
            PastCovariates: past, Calendar: calendar, StepTicks: TimeSpan.TicksPerHour);
        Assert.Equal(2 + covariates + CalendarArithmetic.Count(calendar) + past + seasonalLags, layout.FrameSize);
        using var network = new SequenceNetwork(new NetworkSpec(new FrameInput(layout.FrameSize, StepSkip: true), 1, RecurrentCellKind.Lstm, 6, 1, false));
        using (no_grad()) network.Skip!.weight!.uniform_(-1, 1);
        network.eval();
        float[] quantiles = { 0.5f, 0.8f, 1.1f, 1.4f };
        byte[] onnx = ForecastGraph.Export([network], layout, quantiles, "F", "L", "U", new Dictionary<string, string>());
        using var session = new InferenceSession(onnx);
        for (int trial = 0; trial < 5; trial++)
        {
            float[] window = Enumerable.Range(0, w).Select(_ => (float)(50 + 40 * rng.NextDouble())).ToArray();
            float[] cov = Enumerable.Range(0, (w + h) * covariates).Select(_ => (float)rng.NextDouble()).ToArray();
            float[] pastValues = Enumerable.Range(0, w * past).Select(_ => (float)(10 * rng.NextDouble())).ToArray();
            // Hourly times from a random start between 1990 and 2030 (ticks near 6.3e17: the int64 arithmetic matters).
            long start = new DateTime(1990, 1, 1).Ticks + (long)(rng.NextDouble() * 40 * 365) * TimeSpan.TicksPerDay + rng.Next(24) * TimeSpan.TicksPerHour;
            long[] times = calendar == CalendarFeatures.None ? Array.Empty<long>() : Enumerable.Range(0, w + h).Select(j => start + j * TimeSpan.TicksPerHour).ToArray();

            var (frames, m, s) = layout.Encode(window, cov, pastValues, times);
            if (calendar.HasFlag(CalendarFeatures.HourOfDay))
            {
                // The first calendar pair of the first frame is the hour of day of the window's first time.
                double angle = 2 * Math.PI * new DateTime(times[0]).TimeOfDay.TotalHours / 24;
                Assert.Equal(Math.Sin(angle), frames[layout.CalendarOffset], 4);
                Assert.Equal(Math.Cos(angle), frames[layout.CalendarOffset + 1], 4);
            }
            // Future steps hold no past covariates.
            for (int k = 0; k < h; k++)
                for (int i = 0; i < past; i++) Assert.Equal(0f, frames[(w + k) * layout.FrameSize + layout.PastOffset + i]);
            float[] net;
            using (no_grad())
            {
                net = ForecastObjective.Predict(network, tensor(frames, new long[] { 1, layout.Steps, layout.FrameSize }), tensor(new long[] { layout.Steps }), h).data<float>().ToArray();
            }
            float[] levels = layout.Levels(window, net, m, s);
            float sigma = layout.IntervalScaleOf(layout.Series(window), s);

            var inputs = new List<NamedOnnxValue> { NamedOnnxValue.CreateFromTensor("Window", new DenseTensor<float>(window, new[] { 1, w })) };
            if (covariates > 0) inputs.Add(NamedOnnxValue.CreateFromTensor("Covariates", new DenseTensor<float>(cov, new[] { 1, cov.Length })));
            if (past > 0) inputs.Add(NamedOnnxValue.CreateFromTensor(ForecastGraph.PastCovariatesInput, new DenseTensor<float>(pastValues, new[] { 1, pastValues.Length })));
            if (times.Length > 0) inputs.Add(NamedOnnxValue.CreateFromTensor(ForecastGraph.TimestampsInput, new DenseTensor<long>(times, new[] { 1, times.Length })));
            using var results = session.Run(inputs);
            float[] Get(string name) => results.Single(r => r.Name == name).AsTensor<float>().ToArray();
            AssertClose(levels, Get("F"));
            AssertClose(levels.Select((l, k) => l - quantiles[k] * sigma).ToArray(), Get("L"));
            AssertClose(levels.Select((l, k) => l + quantiles[k] * sigma).ToArray(), Get("U"));
        }
    }

    [Theory]
    [InlineData(2, ForecastTargetTransform.Log1p, 0)]
    [InlineData(3, ForecastTargetTransform.None, 2)]
    public void An_ensemble_graph_forecasts_with_the_mean_of_its_members_outputs(int members, ForecastTargetTransform transform, int covariates)
    {
        const int w = 9, h = 4, rows = 3;
        TorchSharp.torch.random.manual_seed(11);
        var rng = new Random(11);
        var layout = new ForecastLayout(w, h, covariates, transform, ForecastScaling.SeasonalChange, 0.3f, 1.7f,
            Enumerable.Range(0, covariates).Select(k => 0.1f * k).ToArray(), Enumerable.Range(0, covariates).Select(k => 1f + k).ToArray(), 3, true, 2) { NetworkWeight = 0.75f };
        var networks = Enumerable.Range(0, members)
            .Select(_ => new SequenceNetwork(new NetworkSpec(new FrameInput(layout.FrameSize, StepSkip: true), 1, RecurrentCellKind.Lstm, 5, 1, false))).ToList();
        try
        {
            foreach (SequenceNetwork network in networks)
            {
                using (no_grad()) network.Skip!.weight!.uniform_(-1, 1);
                network.eval();
            }
            float[] quantiles = { 0.5f, 0.8f, 1.1f, 1.4f };
            byte[] onnx = ForecastGraph.Export(networks, layout, quantiles, "F", "L", "U", new Dictionary<string, string>());
            using var session = new InferenceSession(onnx);
            Assert.Equal(members.ToString(System.Globalization.CultureInfo.InvariantCulture), session.ModelMetadata.CustomMetadataMap["lstmmlnet.ensemble_size"]);

            // Several windows in one batch: each row's forecast is its own members' mean.
            float[][] windows = Enumerable.Range(0, rows).Select(_ => Enumerable.Range(0, w).Select(_ => (float)(50 + 40 * rng.NextDouble())).ToArray()).ToArray();
            float[][] covs = Enumerable.Range(0, rows).Select(_ => Enumerable.Range(0, (w + h) * covariates).Select(_ => (float)rng.NextDouble()).ToArray()).ToArray();
            var inputs = new List<NamedOnnxValue> { NamedOnnxValue.CreateFromTensor("Window", new DenseTensor<float>(windows.SelectMany(v => v).ToArray(), new[] { rows, w })) };
            if (covariates > 0) inputs.Add(NamedOnnxValue.CreateFromTensor("Covariates", new DenseTensor<float>(covs.SelectMany(v => v).ToArray(), new[] { rows, (w + h) * covariates })));
            using var results = session.Run(inputs);
            float[] Get(string name) => results.Single(r => r.Name == name).AsTensor<float>().ToArray();
            float[] forecast = Get("F"), lower = Get("L"), upper = Get("U");
            float[][] single = new float[members][];
            for (int r = 0; r < rows; r++)
            {
                var (frames, m, s) = layout.Encode(windows[r], covs[r]);
                var mean = new float[h];
                for (int j = 0; j < members; j++)
                {
                    using (no_grad())
                    {
                        single[j] = ForecastObjective.Predict(networks[j], tensor(frames, new long[] { 1, layout.Steps, layout.FrameSize }), tensor(new long[] { layout.Steps }), h).data<float>().ToArray();
                    }
                    for (int k = 0; k < h; k++) mean[k] += single[j][k] / members;
                }
                // The members differ (else the mean would not be tested).
                Assert.True(single[0].Zip(single[1], (a, b) => Math.Abs(a - b)).Max() > 1e-3f);
                float[] levels = layout.Levels(windows[r], mean, m, s);
                float sigma = layout.IntervalScaleOf(layout.Series(windows[r]), s);
                AssertClose(levels.Select(layout.Unlevel).ToArray(), forecast[(r * h)..((r + 1) * h)]);
                AssertClose(levels.Select((l, k) => layout.Unlevel(l - quantiles[k] * sigma)).ToArray(), lower[(r * h)..((r + 1) * h)]);
                AssertClose(levels.Select((l, k) => layout.Unlevel(l + quantiles[k] * sigma)).ToArray(), upper[(r * h)..((r + 1) * h)]);
            }
        }
        finally
        {
            foreach (SequenceNetwork network in networks) network.Dispose();
        }
    }

    [Theory]
    [InlineData(ForecastScaling.WindowMean, 3)]
    [InlineData(ForecastScaling.WindowDeviation, 4)]
    [InlineData(ForecastScaling.WindowChange, 7)]
    [InlineData(ForecastScaling.SeasonalChange, 3)]
    public void A_zero_network_output_is_the_seasonal_naive_forecast(ForecastScaling scaling, int period)
    {
        const int w = 8, h = 10;
        var layout = new ForecastLayout(w, h, 0, ForecastTargetTransform.None, scaling, 0f, 1f, Array.Empty<float>(), Array.Empty<float>(), period, true);
        float[] window = { 3, -1, 4, 1, -5, 9, 2, -6 };
        var (_, m, s) = layout.Encode(window, ReadOnlySpan<float>.Empty);
        float[] levels = layout.Levels(window, new float[h], m, s);
        for (int k = 0; k < h; k++) Assert.Equal(window[w - period + k % period], levels[k], 5);
        // and the targets of the seasonal naive future are all zero
        float[] future = Enumerable.Range(0, h).Select(k => window[w - period + k % period]).ToArray();
        Assert.All(layout.Targets(window, future, m, s), z => Assert.Equal(0f, z, 5));
        // without a period the baseline is the last value (the naive forecast)
        var naive = layout with { SeasonalNaiveBaseline = false };
        Assert.All(naive.Levels(window, new float[h], m, s), l => Assert.Equal(window[^1], l, 5));
        // the guard's other simple forecast, alone (α 0, γ 1): the last value beside seasonal naive and the reverse
        Assert.True(layout.HasAlternative && naive.HasAlternative);
        Assert.Equal((0, period), (layout.AlternativePeriod, naive.AlternativePeriod));
        Assert.All((layout with { NetworkWeight = 0f, AlternativeWeight = 1f }).Levels(window, new float[h], m, s), l => Assert.Equal(window[^1], l, 5));
        float[] seasonal = (naive with { NetworkWeight = 0f, AlternativeWeight = 1f }).Levels(window, new float[h], m, s);
        for (int k = 0; k < h; k++) Assert.Equal(window[w - period + k % period], seasonal[k], 5);
    }

    [Fact]
    public void Future_frames_read_the_same_phase_of_the_last_seasons()
    {
        const int w = 9, h = 5, period = 3, lags = 3;
        var layout = new ForecastLayout(w, h, 0, ForecastTargetTransform.None, ForecastScaling.None, 0f, 1f, Array.Empty<float>(), Array.Empty<float>(), period, true, lags);
        float[] window = { 10, 11, 12, 20, 21, 22, 30, 31, 32 }; // phases 0, 1, 2 of three seasons
        var (frames, _, _) = layout.Encode(window, ReadOnlySpan<float>.Empty);
        int f = layout.FrameSize;
        Assert.Equal(5, f);
        for (int t = 0; t < w; t++) Assert.Equal(new float[] { window[t], 1, 0, 0, 0 }, frames[(t * f)..((t + 1) * f)]);
        // future step k (phase k mod 3): the most recent season first
        Assert.Equal(new float[] { 0, 0, 30, 20, 10 }, frames[(w * f)..((w + 1) * f)]);
        Assert.Equal(new float[] { 0, 0, 31, 21, 11 }, frames[((w + 1) * f)..((w + 2) * f)]);
        Assert.Equal(new float[] { 0, 0, 32, 22, 12 }, frames[((w + 2) * f)..((w + 3) * f)]);
        Assert.Equal(new float[] { 0, 0, 30, 20, 10 }, frames[((w + 3) * f)..((w + 4) * f)]);
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
