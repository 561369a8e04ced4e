using LstmMlNet.Catalog;
using LstmMlNet.Forecasting;
using LstmMlNet.Tests.Catalog;
using LstmMlNet.Tests.Forecasting;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LstmMlNet.Tests.Infrastructure;

/// <summary><see cref="EstimatorConformance"/> applied to every public estimator, on tiny data and one epoch each.</summary>
public sealed class EstimatorConformanceTests
{
    private static readonly string[] Words = { "good", "great", "tasty", "friendly", "bad", "awful", "cold", "rude", "the", "food", "was", "staff" };

    /// <summary>40 rows of 3–6 words; positive rows hold more of the first four words.</summary>
    private static SentimentRow[] Sentences()
    {
        var random = new Random(4);
        return Enumerable.Range(0, 40).Select(i =>
        {
            bool positive = i % 2 == 0;
            var words = Enumerable.Range(0, random.Next(3, 7)).Select(_ => random.Next(3) == 0 ? Words[8 + random.Next(4)] : Words[(positive ? 0 : 4) + random.Next(4)]);
            return new SentimentRow { Text = string.Join(' ', words), Label = positive };
        }).ToArray();
    }

    private static IDataView Tokens(MLContext ml, IDataView text) => TrainerModelTests.TextPipeline(ml).Fit(text).Transform(text);

    [Fact]
    public void Binary_trainer_conforms()
    {
        var ml = new MLContext(seed: 1);
        IDataView text = ml.Data.LoadFromEnumerable(Sentences());
        IDataView data = Tokens(ml, text);
        var options = new LstmBinaryTrainer.Options { Seed = 1, Epochs = 1, Network = { HiddenSize = 8 }, EmbeddingSize = 8 };
        EstimatorConformance.Check(ml, ml.BinaryClassification.Trainers.Lstm(options), data, null,
            new BadInput("float label", Tokens(ml, ml.Data.LoadFromEnumerable(Sentences().Select(r => new FloatLabel { Text = r.Text, Label = r.Label ? 1 : 0 }))), "Label", ModelReads: false),
            new BadInput("no token column", text, "Tokens"),
            // The fitted chain (ML.NET's MapValue + ApplyOnnxModel) scores a scalar text as a one-token sequence, so only the
            // estimator rejects this one (the model is made only of ML.NET's parts, which accept it).
            new BadInput("text, not tokens", Renamed(ml, text, "Text", "Tokens"), "Tokens", ModelReads: false));
    }

    [Fact]
    public void Multiclass_trainer_conforms()
    {
        var ml = new MLContext(seed: 1);
        IDataView text = ml.Data.LoadFromEnumerable(Sentences().Select((r, i) => new ClassRow { Text = r.Text, Label = (i % 3).ToString(System.Globalization.CultureInfo.InvariantCulture) }));
        IDataView tokens = Tokens(ml, text);
        IDataView data = ml.Transforms.Conversion.MapValueToKey("Label").Fit(tokens).Transform(tokens);
        var options = new LstmMulticlassTrainer.Options { Seed = 1, Epochs = 1, Network = { HiddenSize = 8 }, EmbeddingSize = 8 };
        EstimatorConformance.Check(ml, ml.MulticlassClassification.Trainers.Lstm(options), data, null,
            new BadInput("text label, not a key", tokens, "Label", ModelReads: false),
            new BadInput("no token column", ml.Transforms.Conversion.MapValueToKey("Label").Fit(text).Transform(text), "Tokens"));
    }

    [Fact]
    public void Regression_trainer_conforms()
    {
        var ml = new MLContext(seed: 1);
        RegressionTrainerTests.SensorRow[] rows = RegressionTrainerTests.Rows(40, 1);
        IDataView data = ml.Data.LoadFromEnumerable(rows);
        var options = new LstmRegressionTrainer.Options { FeatureColumnName = "Frames", FrameSize = 2, Network = { HiddenSize = 8, Bidirectional = false }, Epochs = 1, Seed = 1 };
        EstimatorConformance.Check(ml, ml.Regression.Trainers.Lstm(options), data, null,
            new BadInput("Boolean label", ml.Data.LoadFromEnumerable(rows.Select(r => new BoolLabelFrames { Frames = r.Frames, Label = r.Label > 0 })), "Label", ModelReads: false),
            new BadInput("no frame column", Renamed(ml, data, "Frames", "Other"), "Frames"));
    }

    [Fact]
    public void Forecaster_conforms()
    {
        var ml = new MLContext(seed: 1);
        ForecastEngineTests.Point[] points = ForecastEngineTests.Points(80, 1);
        IDataView data = ml.Data.LoadFromEnumerable(points);
        var options = new LstmForecastingOptions { InputColumnName = "Value", WindowSize = 12, Horizon = 3, Network = { HiddenSize = 8 }, Epochs = 1, MinimumOptimizerSteps = 0, Seed = 2 };
        // The saved model is the window scoring model: its input is a window per row, and the values it gives are those of
        // Transform on the series (row t's forecast reads the 12 rows before t).
        float[][] forecasts = Array.Empty<float[]>();
        (IDataView, IDataView) Windows(LstmForecastingTransformer model)
        {
            forecasts = model.Transform(data).GetColumn<float[]>("Forecast").ToArray();
            var windows = Enumerable.Range(12, points.Length - 12).Select(t => new LstmForecastInput { Window = points[(t - 12)..t].Select(p => p.Value).ToArray() }).ToArray();
            IDataView input = ml.Data.LoadFromEnumerable(windows, model.ScoringInputSchemaDefinition);
            return (input, model.ScoringModel.Transform(input));
        }
        ITransformer fitted = EstimatorConformance.Check(ml, ml.Forecasting.ForecastByLstm(options), data, Windows,
            new BadInput("double series", ml.Data.LoadFromEnumerable(points.Select(p => new DoubleValue { Value = p.Value })), "Value"),
            new BadInput("no series column", Renamed(ml, data, "Value", "Other"), "Value"));
        IDataView scoring = ((LstmForecastingTransformer)fitted).ScoringModel.Transform(ml.Data.LoadFromEnumerable(
            Enumerable.Range(12, points.Length - 12).Select(t => new LstmForecastInput { Window = points[(t - 12)..t].Select(p => p.Value).ToArray() }),
            ((LstmForecastingTransformer)fitted).ScoringInputSchemaDefinition));
        Assert.Equal(forecasts[12..], scoring.GetColumn<float[]>("Forecast").ToArray());
    }

    [Fact]
    public void Pretrained_text_encoder_classifier_conforms()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.LoadFromEnumerable(Sentences().Take(16).ToArray());
        var options = new LstmBinaryTrainer.Options { Seed = 1, TextEncoder = PretrainedTextEncoder.MiniLM, FeatureColumnName = "Text", MaxSequenceLength = 16, Network = { HiddenSize = 8 }, Epochs = 1 };
        EstimatorConformance.Check(ml, ml.BinaryClassification.Trainers.Lstm(options), data, null,
            // The fitted chain (NormalizeText, WordPiece MapValue, ApplyOnnxModel) accepts a text vector, so only the estimator rejects it.
            new BadInput("tokens, not text", Renamed(ml, Tokens(ml, data), "Tokens", "Text"), "Text", ModelReads: false),
            new BadInput("no text column", Renamed(ml, data, "Text", "Other"), "Text"));
    }

    /// <summary><paramref name="data"/> with column <paramref name="from"/> renamed <paramref name="to"/> (replacing a
    /// column of that name): a missing column, or a column of the wrong type under the expected name.</summary>
    private static IDataView Renamed(MLContext ml, IDataView data, string from, string to) =>
        ml.Transforms.CopyColumns(to, from).Append(ml.Transforms.DropColumns(from)).Fit(data).Transform(data);

    private sealed class FloatLabel
    {
        public string Text { get; set; } = "";

        public float Label { get; set; }
    }

    private sealed class ClassRow
    {
        public string Text { get; set; } = "";

        public string Label { get; set; } = "";
    }

    private sealed class BoolLabelFrames
    {
        [VectorType]
        public float[] Frames { get; set; } = Array.Empty<float>();

        public bool Label { get; set; }
    }

    private sealed class DoubleValue
    {
        public double Value { get; set; }
    }
}
