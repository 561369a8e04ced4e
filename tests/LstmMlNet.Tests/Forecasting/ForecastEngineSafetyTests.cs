using LstmMlNet.Forecasting;
using Microsoft.ML;
using static LstmMlNet.Tests.Forecasting.ForecastEngineTests;

namespace LstmMlNet.Tests.Forecasting;

/// <summary>The forecast engine under faults: checkpoints that fail part-way or after Dispose, concurrent use, and
/// checkpoints whose state does not fit a float.</summary>
public sealed class ForecastEngineSafetyTests : IClassFixture<ForecastEngineSafetyTests.Model>
{
    private readonly Model fitted;

    public ForecastEngineSafetyTests(Model fitted) => this.fitted = fitted;

    /// <summary>One small fitted model shared by the tests.</summary>
    public sealed class Model
    {
        public Model()
        {
            Ml = new MLContext(seed: 1);
            var options = new LstmForecastingOptions
            {
                InputColumnName = nameof(Point.Value), WindowSize = 12, Horizon = 4, Network = { HiddenSize = 8 }, Epochs = 2, MinimumOptimizerSteps = 0, Seed = 2,
            };
            Transformer = Ml.Forecasting.ForecastByLstm(options).Fit(Ml.Data.LoadFromEnumerable(Points(120, 1)));
        }

        public MLContext Ml { get; }

        public LstmForecastingTransformer Transformer { get; }

        public LstmForecastEngine<Point, ForecastOutput> Engine() => Transformer.CreateForecastEngine<Point, ForecastOutput>(Ml);
    }

    /// <summary>A stream that accepts <c>limit</c> bytes, then fails as a full disk does.</summary>
    private sealed class FullDiskStream(Stream inner, long limit) : Stream
    {
        private long written;

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => written; set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count)
        {
            if (written + count > limit) throw new IOException("No space left on device");
            inner.Write(buffer, offset, count);
            written += count;
        }
    }

    private static string TempPath() => Path.Combine(Path.GetTempPath(), $"lstm-checkpoint-{Guid.NewGuid():N}.zip");

    private static string[] Leftovers(string path) =>
        Directory.GetFiles(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.*");

    [Fact]
    public void A_checkpoint_that_fails_part_way_leaves_the_previous_one_loadable()
    {
        string path = TempPath();
        try
        {
            using var engine = fitted.Engine();
            engine.CheckPoint(path);
            byte[] before = File.ReadAllBytes(path);
            engine.Update(new Point { Value = 150f });
            engine.CheckPointStreamFilter = file => new FullDiskStream(file, 226);
            var error = Assert.Throws<IOException>(() => engine.CheckPoint(path));
            Assert.Contains(path, error.Message);
            Assert.Contains("unchanged", error.Message);
            Assert.Equal(before, File.ReadAllBytes(path));
            Assert.Empty(Leftovers(path));
            using var loaded = LstmForecastEngine.Load<Point, ForecastOutput>(new MLContext(), path);
            Assert.NotEqual(150f, loaded.History[^1]);

            engine.CheckPointStreamFilter = null;
            engine.CheckPoint(path); // a good write replaces it
            using var replaced = LstmForecastEngine.Load<Point, ForecastOutput>(new MLContext(), path);
            Assert.Equal(150f, replaced.History[^1]);
            Assert.Empty(Leftovers(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void CheckPoint_Predict_and_Update_after_Dispose_throw_ObjectDisposedException_and_leave_the_file()
    {
        string path = TempPath();
        try
        {
            var engine = fitted.Engine();
            engine.CheckPoint(path);
            byte[] before = File.ReadAllBytes(path);
            engine.Dispose();
            engine.Dispose(); // twice is fine
            Assert.Throws<ObjectDisposedException>(() => engine.CheckPoint(path));
            Assert.Throws<ObjectDisposedException>(() => engine.Predict());
            Assert.Throws<ObjectDisposedException>(() => engine.Update(new Point { Value = 1f }));
            Assert.Equal(before, File.ReadAllBytes(path));
            Assert.Empty(Leftovers(path));
        }
        finally
        {
            File.Delete(path);
        }
    }
    [Fact]
    public void Many_threads_predicting_at_once_get_the_single_thread_forecast()
    {
        using var engine = fitted.Engine();
        float[] expected = engine.Predict().Forecast;
        float[] expectedUpper = engine.Predict().UpperBound;
        int wrong = 0;
        Parallel.For(0, 16, new ParallelOptions { MaxDegreeOfParallelism = 16 }, _ =>
        {
            for (int k = 0; k < 200; k++)
            {
                ForecastOutput result = engine.Predict();
                if (!result.Forecast.SequenceEqual(expected) || !result.UpperBound.SequenceEqual(expectedUpper)) Interlocked.Increment(ref wrong);
            }
        });
        Assert.Equal(0, wrong);
    }

    [Fact]
    public async Task Updates_predictions_and_checkpoints_from_several_threads_stay_consistent()
    {
        string path = TempPath();
        try
        {
            using var engine = fitted.Engine();
            using var reference = fitted.Engine();
            float[] values = Enumerable.Range(0, 400).Select(k => 100f + k % 17).ToArray();
            var tasks = new List<Task>
            {
                Task.Run(() => { foreach (float v in values) engine.Update(new Point { Value = v }); }),
                Task.Run(() => { for (int k = 0; k < 400; k++) Assert.All(engine.Predict().Forecast, f => Assert.True(float.IsFinite(f))); }),
                Task.Run(() => { for (int k = 0; k < 20; k++) engine.CheckPoint(path); }),
            };
            await Task.WhenAll(tasks);
            foreach (float v in values) reference.Update(new Point { Value = v });
            Assert.Equal(reference.History, engine.History);
            Assert.Equal(reference.Predict().Forecast, engine.Predict().Forecast);
            using var loaded = LstmForecastEngine.Load<Point, ForecastOutput>(new MLContext(), path); // a whole checkpoint, never a torn one
            Assert.Equal(12, loaded.History.Count);
        }
        finally
        {
            File.Delete(path);
        }
    }
    [Fact]
    public void Values_whose_scaling_would_overflow_are_rejected_at_Fit_Update_and_Load()
    {
        var ml = new MLContext(seed: 1);
        Point[] huge = Points(120, 1).Select(p => new Point { Value = p.Value * 1e36f, Phase = p.Phase }).ToArray(); // ~1e38, finite
        var options = new LstmForecastingOptions { InputColumnName = "Value", WindowSize = 12, Horizon = 4, Network = { HiddenSize = 4 }, Epochs = 1, MinimumOptimizerSteps = 0, Seed = 1 };
        var fit = Assert.Throws<InvalidOperationException>(() => ml.Forecasting.ForecastByLstm(options).Fit(ml.Data.LoadFromEnumerable(huge)));
        Assert.Contains("'Value'", fit.Message);
        Assert.Contains("row 0", fit.Message);
        Assert.Contains("beyond ±1e30", fit.Message);

        using var engine = fitted.Engine();
        var update = Assert.Throws<ArgumentException>(() => engine.Update(new Point { Value = 2e38f }));
        Assert.Contains("2E+38", update.Message);
        engine.Update(new Point { Value = 1e29f }); // large but within range

        string path = TempPath();
        try
        {
            engine.CheckPoint(path);
            CheckpointEdit.RewriteState(path, json =>
            {
                System.Text.Json.Nodes.JsonNode state = System.Text.Json.Nodes.JsonNode.Parse(json)!;
                state["Values"]![3] = 1e39; // a double in the JSON, Infinity as float32
                return state.ToJsonString();
            });
            var load = Assert.Throws<InvalidDataException>(() => LstmForecastEngine.Load<Point, ForecastOutput>(new MLContext(), path));
            Assert.Contains(path, load.Message);
            Assert.Contains("Values[3]", load.Message);
            Assert.Contains("Infinity", load.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
    [Theory]
    [InlineData("{not json")]
    [InlineData("{\"FormatVersion\":1}")]
    public void A_damaged_state_json_is_an_InvalidDataException_naming_the_file(string json)
    {
        string path = TempPath();
        try
        {
            using (var engine = fitted.Engine()) engine.CheckPoint(path);
            CheckpointEdit.RewriteState(path, _ => json);
            var error = Assert.Throws<InvalidDataException>(() => LstmForecastEngine.Load<Point, ForecastOutput>(new MLContext(), path));
            Assert.Contains(path, error.Message);
            Assert.Contains("state.json", error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
