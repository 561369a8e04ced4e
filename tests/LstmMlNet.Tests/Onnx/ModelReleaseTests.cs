using LstmMlNet.Onnx;
using LstmMlNet.Tests.Infrastructure;
using Microsoft.ML;

namespace LstmMlNet.Tests.Onnx;

/// <summary>ML.NET writes a temporary file per ONNX model it loads; releasing a loaded model deletes it. A fitted model reads
/// a file of the library's own (ML.NET's copy of an <c>ApplyOnnxModel</c> stream is never deleted: measured 2026-12-06 on
/// ML.NET 6.0.0, every Fit left one file), deleted when the model is released, collected, or at exit.</summary>
public sealed class ModelReleaseTests
{
    [Fact]
    public void Releasing_a_fitted_or_a_loaded_model_deletes_its_onnx_file()
    {
        var ml = new MLContext(seed: 1);
        string[] before = OnnxTempFiles.Left();
        var options = new LstmForecastingOptions
        {
            InputColumnName = nameof(Forecasting.ForecastEngineTests.Point.Value), WindowSize = 12, Horizon = 4, Network = { HiddenSize = 4 },
            Epochs = 1, MinimumOptimizerSteps = 0, Seed = 1,
        };
        LstmForecastingTransformer model = ml.Forecasting.ForecastByLstm(options).Fit(ml.Data.LoadFromEnumerable(Forecasting.ForecastEngineTests.Points(60, 1)));
        string[] fitted = OnnxTempFiles.Left().Except(before).ToArray();
        // On Linux the fitted model's file has no name (unlinked, held by this process's descriptors); elsewhere it is the
        // library's named file.
        int descriptors = OpenModelFiles();
        if (OperatingSystem.IsLinux())
        {
            Assert.Empty(fitted);
            Assert.True(descriptors > 0, "the fitted model's unlinked file is open");
        }
        else
        {
            Assert.All(fitted, f => Assert.StartsWith("lstmmlnet-", Path.GetFileName(f), StringComparison.Ordinal));
        }
        var stream = new MemoryStream();
        ml.Model.Save(model.ScoringModel, model.ScoringInputSchema, stream); // saving reads the model's file again
        stream.Position = 0;
        ITransformer loaded = ml.Model.Load(stream, out _);
        string[] loadedFiles = OnnxTempFiles.Left().Except(before).Except(fitted).ToArray();
        Assert.Single(loadedFiles); // ml.Model.Load's copy, in this process's temp folder (the redirect reached ML.NET)

        ModelRelease.Release(loaded);
        Assert.Empty(OnnxTempFiles.Left().Intersect(loadedFiles)); // ml.Model.Load's file: deleted on release
        ModelRelease.Release(model);
        Assert.Empty(OnnxTempFiles.Left().Intersect(fitted)); // the fitted scoring model's file: deleted on release
        if (OperatingSystem.IsLinux()) Assert.True(OpenModelFiles() < descriptors, "releasing the model closes its file's descriptors");
    }

    /// <summary>Descriptors of this process open on a library model file (Linux: /proc/self/fd links to lstmmlnet-*.onnx).</summary>
    private static int OpenModelFiles()
    {
        if (!OperatingSystem.IsLinux()) return 0;
        int count = 0;
        foreach (string fd in Directory.GetFiles("/proc/self/fd"))
        {
            try
            {
                if (new FileInfo(fd).LinkTarget is { } target && Path.GetFileName(target).StartsWith("lstmmlnet-", StringComparison.Ordinal)) count++;
            }
            catch (IOException)
            {
                // closed meanwhile
            }
        }
        return count;
    }
}
