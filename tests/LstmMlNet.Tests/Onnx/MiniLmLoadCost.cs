using System.Diagnostics;
using LstmMlNet.Onnx;
using LstmMlNet.Tests.Catalog;
using LstmMlNet.Tests.Infrastructure;
using LstmMlNet.Tests.Text;
using Microsoft.ML;
using Xunit.Abstractions;

namespace LstmMlNet.Tests.Onnx;

/// <summary>What one load of a saved MiniLM classifier costs: the zip, the temporary ONNX file ML.NET writes for it, the
/// time of <c>ml.Model.Load</c> and of the first prediction, and that releasing the model deletes the file.
/// Run: <c>LSTMMLNET_MEASURE_LOAD=1 dotnet test tests/LstmMlNet.Tests -c Release --filter FullyQualifiedName~MiniLmLoadCost --logger "console;verbosity=detailed"</c>.</summary>
public sealed class MiniLmLoadCost(ITestOutputHelper output)
{
    [MeasurementFact("LSTMMLNET_MEASURE_LOAD", "the cost of loading a saved MiniLM classifier")]
    public void Load_a_saved_minilm_classifier()
    {
        var ml = new MLContext(seed: 1);
        IDataView train = ml.Data.TakeRows(TrainerModelTests.Yelp(ml), 40);
        LstmBinaryTrainer.Options options = PretrainedEncoderTrainerTests.SmallBinary();
        options.Epochs = 1;
        ITransformer fitted = ml.BinaryClassification.Trainers.Lstm(options).Fit(train);
        string zip = Path.Combine(OnnxTempFiles.Folder, "minilm-load-cost.zip");
        ml.Model.Save(fitted, train.Schema, zip);
        ModelRelease.Release(fitted);
        output.WriteLine($"saved zip {new FileInfo(zip).Length / 1e6:F1} MB");
        try
        {
            for (int i = 1; i <= 5; i++)
            {
                string[] before = OnnxTempFiles.Left();
                var other = new MLContext(seed: 1);
                var clock = Stopwatch.StartNew();
                ITransformer loaded = other.Model.Load(zip, out _);
                using var releaseLoaded = Released.After(loaded);
                double load = clock.Elapsed.TotalSeconds;
                string[] created = OnnxTempFiles.Left().Except(before).ToArray();
                long bytes = created.Sum(f => new FileInfo(f).Length);
                var engine = other.Model.CreatePredictionEngine<TextInput, BinaryOutput>(loaded, new PredictionEngineOptions { OwnsTransformer = false });
                clock.Restart();
                engine.Predict(new TextInput { Text = "The food was great." });
                double first = clock.Elapsed.TotalSeconds;
                engine.Dispose();
                ModelRelease.Release(loaded);
                output.WriteLine(FormattableString.Invariant(
                    $"load {i}: ml.Model.Load {load:F2} s, first Predict {first:F2} s, {created.Length} temp file(s) {bytes / 1e6:F1} MB, after release {OnnxTempFiles.Left().Except(before).Count()} left"));
                Assert.Empty(OnnxTempFiles.Left().Except(before));
            }
        }
        finally
        {
            File.Delete(zip);
        }
    }
}
