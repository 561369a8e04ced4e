using LstmMlNet.Tests.Infrastructure;
using LstmMlNet.Catalog;
using LstmMlNet.Forecasting;
using LstmMlNet.Tests.Catalog;
using LstmMlNet.Tests.Forecasting;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LstmMlNet.Tests.Onnx;

/// <summary>ML.NET's PredictionEngine owns (and on Dispose disposes) its transformer by default; the models this library
/// returns survive it, and docs/serving.md's pattern for loaded models is pinned here.</summary>
public sealed class PredictionEngineDisposalTests
{
    public sealed class RegressionScore
    {
        public float Score { get; set; }
    }

    private static readonly RegressionTrainerTests.SensorRow Row = new() { Frames = new[] { 0.1f, 0.2f, 0.3f, 0.4f, -0.5f, 0.6f } };

    private static (MLContext Ml, ITransformer Model, IDataView Train) Fit()
    {
        var ml = new MLContext(seed: 1);
        IDataView train = ml.Data.LoadFromEnumerable(RegressionTrainerTests.Rows(40, 1));
        var options = new LstmRegressionTrainer.Options { FeatureColumnName = "Frames", FrameSize = 2, Network = { HiddenSize = 4 }, Epochs = 1, Seed = 1 };
        return (ml, ml.Regression.Trainers.Lstm(options).Fit(train), train);
    }

    [Fact]
    public void A_fitted_model_keeps_working_after_using_var_engine()
    {
        var (ml, model, _) = Fit();
        float first;
        using (var engine = ml.Model.CreatePredictionEngine<RegressionTrainerTests.SensorRow, RegressionScore>(model))
        {
            first = engine.Predict(Row).Score;
        }
        using var again = ml.Model.CreatePredictionEngine<RegressionTrainerTests.SensorRow, RegressionScore>(model);
        Assert.Equal(first, again.Predict(Row).Score);
        Assert.Equal(first, model.Transform(ml.Data.LoadFromEnumerable(new[] { Row })).GetColumn<float>("Score").Single());
    }

    [Fact]
    public void Engines_disposed_on_one_thread_while_others_predict_leave_the_model_working()
    {
        var (ml, model, _) = Fit();
        float expected = model.Transform(ml.Data.LoadFromEnumerable(new[] { Row })).GetColumn<float>("Score").Single();
        int wrong = 0;
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, _ =>
        {
            for (int round = 0; round < 10; round++)
            {
                using var engine = ml.Model.CreatePredictionEngine<RegressionTrainerTests.SensorRow, RegressionScore>(model);
                for (int k = 0; k < 20; k++)
                {
                    if (engine.Predict(Row).Score != expected) Interlocked.Increment(ref wrong);
                }
            }
        });
        Assert.Equal(0, wrong);
    }

    [Fact]
    public void The_forecasters_scoring_model_keeps_working_after_using_var_engine()
    {
        var ml = new MLContext(seed: 1);
        var options = new LstmForecastingOptions { InputColumnName = "Value", WindowSize = 12, Horizon = 4, Network = { HiddenSize = 4 }, Epochs = 1, MinimumOptimizerSteps = 0, Seed = 1 };
        ForecastEngineTests.Point[] points = ForecastEngineTests.Points(120, 1);
        LstmForecastingTransformer model = ml.Forecasting.ForecastByLstm(options).Fit(ml.Data.LoadFromEnumerable(points));
        var input = new LstmForecastInput { Window = points[^12..].Select(p => p.Value).ToArray() };
        float[] first;
        using (var engine = ml.Model.CreatePredictionEngine<LstmForecastInput, ForecastEngineTests.ForecastOutput>(model.ScoringModel, inputSchemaDefinition: model.ScoringInputSchemaDefinition))
        {
            first = engine.Predict(input).Forecast;
        }
        using var again = ml.Model.CreatePredictionEngine<LstmForecastInput, ForecastEngineTests.ForecastOutput>(model.ScoringModel, inputSchemaDefinition: model.ScoringInputSchemaDefinition);
        Assert.Equal(first, again.Predict(input).Forecast);
        var saved = new MemoryStream();
        ml.Model.Save(model, model.ScoringInputSchema, saved); // saving still reads the ONNX bytes
        Assert.True(saved.Length > 1000);
    }

    /// <summary>Pins ML.NET's behaviour with a model from <c>ml.Model.Load</c> (ML.NET's own chain): a default engine's
    /// Dispose breaks it; <c>OwnsTransformer = false</c>, docs/serving.md's safe pattern, does not. If ML.NET changes the
    /// default, this test fails: update docs/serving.md.</summary>
    [Fact]
    public void A_loaded_model_needs_OwnsTransformer_false_as_the_readme_says()
    {
        var (ml, model, train) = Fit();
        var stream = new MemoryStream();
        ml.Model.Save(model, train.Schema, stream);
        byte[] bytes = stream.ToArray();

        ITransformer loaded = ml.Model.Load(new MemoryStream(bytes), out _);
        using var releaseLoaded = Released.After(loaded);
        var safe = new PredictionEngineOptions { OwnsTransformer = false };
        float first;
        using (var engine = ml.Model.CreatePredictionEngine<RegressionTrainerTests.SensorRow, RegressionScore>(loaded, safe))
        {
            first = engine.Predict(Row).Score;
        }
        using (var engine = ml.Model.CreatePredictionEngine<RegressionTrainerTests.SensorRow, RegressionScore>(loaded, safe))
        {
            Assert.Equal(first, engine.Predict(Row).Score);
        }

        ITransformer broken = ml.Model.Load(new MemoryStream(bytes), out _);
        using var releaseBroken = Released.After(broken);
        using (var engine = ml.Model.CreatePredictionEngine<RegressionTrainerTests.SensorRow, RegressionScore>(broken))
        {
            Assert.Equal(first, engine.Predict(Row).Score);
        }
        Exception error = Assert.ThrowsAny<Exception>(() => broken.Transform(ml.Data.LoadFromEnumerable(new[] { Row })).GetColumn<float>("Score").ToArray());
        Assert.Contains(nameof(NullReferenceException), error.ToString()); // the disposed OnnxModel, inside ML.NET's cursor
    }
}
