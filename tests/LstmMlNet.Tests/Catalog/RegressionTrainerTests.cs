using LstmMlNet.Tests.Infrastructure;
using LstmMlNet.Catalog;
using LstmMlNet.Engine;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LstmMlNet.Tests.Catalog;

/// <summary>The regression trainer on numeric sequences (frames of F values per step, variable length).</summary>
public sealed class RegressionTrainerTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const int FrameSize = 2;

    public sealed class SensorRow
    {
        [VectorType]
        public float[] Frames { get; set; } = Array.Empty<float>();

        public float Label { get; set; }
    }

    /// <summary>Rows of 3..12 steps; the target is the mean of the first feature over the steps (the second is noise).</summary>
    internal static SensorRow[] Rows(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            int steps = random.Next(3, 13);
            float[] frames = Enumerable.Range(0, steps * FrameSize).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            float mean = Enumerable.Range(0, steps).Select(t => frames[t * FrameSize]).Average();
            return new SensorRow { Frames = frames, Label = mean };
        }).ToArray();
    }

    private static LstmRegressionTrainer.Options Options() => new()
    {
        FeatureColumnName = nameof(SensorRow.Frames), FrameSize = FrameSize, Network = { HiddenSize = 16, Bidirectional = false },
        Pooling = PoolingKind.Mean, HeadDropout = 0, Epochs = 15, LearningRate = 3e-3, Seed = 1,
    };

    [Fact]
    public void Learns_a_sequence_mean_and_round_trips_through_save_and_load()
    {
        var ml = new MLContext(seed: 1);
        IDataView train = ml.Data.LoadFromEnumerable(Rows(600, 1));
        IDataView test = ml.Data.LoadFromEnumerable(Rows(200, 2));
        ITransformer model = ml.Regression.Trainers.Lstm(Options()).Fit(train);
        IDataView scored = model.Transform(test);
        Assert.Equal(NumberDataViewType.Single, scored.Schema["Score"].Type);

        RegressionMetrics metrics = ml.Regression.Evaluate(scored);
        output.WriteLine($"R² {metrics.RSquared:F4}, RMSE {metrics.RootMeanSquaredError:F4}");
        Assert.True(metrics.RSquared > 0.9, $"R² {metrics.RSquared:F4}, RMSE {metrics.RootMeanSquaredError:F4}");

        var (other, loaded) = SavedModel.LoadInNewContext(ml, model, train.Schema);
        using var releaseLoaded = Released.After(loaded);
        Assert.Equal(scored.GetColumn<float>("Score").ToArray(), loaded.Transform(other.Data.LoadFromEnumerable(Rows(200, 2))).GetColumn<float>("Score").ToArray());
    }

    [Theory]
    [InlineData(RecurrentCellKind.PeepholeLstm)]
    [InlineData(RecurrentCellKind.Lstm1997)]
    [InlineData(RecurrentCellKind.CifgLstm)]
    [InlineData(RecurrentCellKind.ChoGru)]
    public void Cell_variants_train_through_the_catalog_and_score_through_onnx(RecurrentCellKind cell)
    {
        var ml = new MLContext(seed: 1);
        // Smaller than the LSTM test above (the variants run the slower explicit path): 300 rows, 8 epochs.
        IDataView train = ml.Data.LoadFromEnumerable(Rows(300, 1));
        LstmRegressionTrainer.Options options = Options();
        options.Network.Cell = cell;
        options.Epochs = 8;
        ITransformer model = ml.Regression.Trainers.Lstm(options).Fit(train);
        RegressionMetrics metrics = ml.Regression.Evaluate(model.Transform(ml.Data.LoadFromEnumerable(Rows(200, 2))));
        output.WriteLine($"{cell}: R² {metrics.RSquared:F4}, RMSE {metrics.RootMeanSquaredError:F4}");
        Assert.True(metrics.RSquared > 0.7, $"{cell}: R² {metrics.RSquared:F4}");
    }

    [Fact]
    public void Nan_frame_and_ragged_row_name_the_row()
    {
        var ml = new MLContext(seed: 1);
        SensorRow[] rows = Rows(20, 3);
        rows[7].Frames[1] = float.NaN;
        var error = Assert.ThrowsAny<Exception>(() => ml.Regression.Trainers.Lstm(Options()).Fit(ml.Data.LoadFromEnumerable(rows)));
        Assert.Contains("Column 'Frames', row 7: value 1 is NaN", error.Message);

        SensorRow[] ragged = Rows(20, 4);
        ragged[5].Frames = new float[] { 1, 2, 3 };
        var raggedError = Assert.ThrowsAny<Exception>(() => ml.Regression.Trainers.Lstm(Options()).Fit(ml.Data.LoadFromEnumerable(ragged)));
        Assert.Contains("Column 'Frames', row 5: 3 values is not a multiple of the frame size", raggedError.Message);
    }
}
