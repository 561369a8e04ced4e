using LstmMlNet.Onnx;
using LstmMlNet.Tests.Infrastructure;
using Microsoft.ML;

namespace LstmMlNet.Tests.Onnx;

/// <summary>ML.NET writes a temporary file per ONNX model it loads; releasing a loaded model deletes it. Measured
/// 2026-12-06 on ML.NET 6.0.0: the file of a fitted model (ApplyOnnxModel over a stream) is NOT deleted by releasing it,
/// nor by the collector at exit — so every Fit leaves one file; the check below pins that until the fit path is changed.</summary>
public sealed class ModelReleaseTests
{
    [Fact]
    public void Releasing_a_loaded_model_deletes_its_temporary_onnx_file_but_a_fitted_model_keeps_its_own()
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
        Assert.NotEmpty(fitted); // the scoring model's file, in this process's temp folder (the redirect reached ML.NET)
        var stream = new MemoryStream();
        ml.Model.Save(model.ScoringModel, model.ScoringInputSchema, stream);
        stream.Position = 0;
        ITransformer loaded = ml.Model.Load(stream, out _);
        Assert.Equal(fitted.Length + 1, OnnxTempFiles.Left().Except(before).Count());

        string[] loadedFiles = OnnxTempFiles.Left().Except(before).Except(fitted).ToArray();
        ModelRelease.Release(loaded);
        Assert.Empty(OnnxTempFiles.Left().Intersect(loadedFiles)); // ml.Model.Load's file: deleted on release
        ModelRelease.Release(model);
        Assert.Equal(fitted, OnnxTempFiles.Left().Intersect(fitted)); // the fitted scoring model's file stays (ML.NET's ApplyOnnxModel(Stream) path)
        foreach (string file in fitted) File.Delete(file);
    }
}
