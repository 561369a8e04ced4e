using LstmMlNet.Data;
using LstmMlNet.Forecasting;
using static TorchSharp.torch;

namespace LstmMlNet.Tests.Forecasting;

/// <summary>A fit's windows hold their origins, (m, s) and targets, and make their frames when read: the frames equal the
/// layout's encoding, no frame array is kept, and a subset or a batch reads them the same way.</summary>
public sealed class ForecastWindowsTests
{
    private static (ForecastLayout Layout, Series[] Series) Panel()
    {
        var rng = new Random(7);
        Series Make(string id, int n) => new(id,
            Enumerable.Range(0, n).Select(t => 20f + 5f * MathF.Sin(t * 2 * MathF.PI / 6) + (float)rng.NextDouble()).ToArray(),
            Enumerable.Range(0, n * 2).Select(_ => (float)rng.NextDouble()).ToArray(),
            Enumerable.Range(0, n).Select(t => (long)t).ToArray());
        var layout = new ForecastLayout(12, 3, 2, ForecastTargetTransform.Log1p, ForecastScaling.SeasonalChange, 0f, 1f,
            new[] { 0.5f, 0.4f }, new[] { 0.3f, 0.2f }, 6, true, 2);
        return (layout, new[] { Make("a", 60), Make("b", 45) });
    }

    [Fact]
    public void Frames_are_encoded_when_read_and_equal_the_layout_encoding()
    {
        var (layout, series) = Panel();
        var (train, calibration, _) = ForecastWindows.Collect(layout, series, new[] { 12, 9 }, includeAll: false);
        Assert.True(train.Count > 40 && calibration.Count > 5, $"{train.Count} training, {calibration.Count} calibration windows");
        foreach (ForecastWindows windows in new[] { train, calibration })
        {
            for (int i = 0; i < windows.Count; i++)
            {
                var (s, end, m, scale) = windows.Origins[i];
                var (frames, em, es) = layout.Encode(s.Values.AsSpan(end - 12, 12), s.Covariates.AsSpan((end - 12) * 2, 15 * 2));
                Assert.Equal((em, es), (m, scale));
                Assert.Equal(frames, windows.Frames[i]);
                Assert.NotSame(windows.Frames[i], windows.Frames[i]); // made on each read, never held
            }
        }

        // The training set reads the same frames; a subset stays on demand; a batch over it equals one over held frames.
        SequenceDataset lazy = train.ToDataset();
        Assert.Equal(layout.Steps, lazy.UniformSteps);
        Assert.All(Enumerable.Range(0, lazy.Count), i => Assert.Equal(layout.Steps, lazy.Length(i)));
        int[] pick = { 5, 0, 17, 3 };
        SequenceDataset subset = lazy.Subset(pick);
        Assert.IsType<Selection<float[]>>(subset.Frames);
        SequenceDataset held = SequenceDataset.FromFrames(pick.Select(i => train.Frames[i]).ToArray(), layout.FrameSize,
            pick.SelectMany(i => lazy.Targets!.Skip(i * 3).Take(3)).ToArray(), 3);
        SequenceDataset materialized = subset.Materialized();
        Assert.IsType<float[][]>(materialized.Frames);
        foreach (SequenceDataset data in new[] { subset, materialized })
        {
            using var scope = NewDisposeScope();
            var a = BatchBuilder.Build(data, new[] { 0, 1, 2, 3 }, CPU);
            var b = BatchBuilder.Build(held, new[] { 0, 1, 2, 3 }, CPU);
            Assert.Equal(b.Inputs.data<float>().ToArray(), a.Inputs.data<float>().ToArray());
            Assert.Equal(b.Targets.data<float>().ToArray(), a.Targets.data<float>().ToArray());
            Assert.Equal(b.Lengths.data<long>().ToArray(), a.Lengths.data<long>().ToArray());
        }
    }
}
