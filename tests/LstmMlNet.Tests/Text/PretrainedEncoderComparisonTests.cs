using LstmMlNet.Catalog;
using LstmMlNet.Comparison;
using LstmMlNet.Engine;
using LstmMlNet.Tests.Catalog;
using LstmMlNet.Tests.Infrastructure;
using Microsoft.ML;
using Xunit.Abstractions;

namespace LstmMlNet.Tests.Text;

/// <summary>The comparison's search space with <see cref="RecurrentSearchSpace.TextEncoders"/>: a MiniLM candidate on the
/// raw text column beside the baselines, on the same folds.</summary>
public sealed class PretrainedEncoderComparisonTests(ITestOutputHelper output)
{
    [Fact]
    public void Search_space_text_encoders_multiply_the_grid_and_name_the_candidates()
    {
        var space = new RecurrentSearchSpace { Cells = new[] { RecurrentCellKind.Gru }, HiddenSizes = new[] { 16 }, TextEncoders = new[] { PretrainedTextEncoder.None, PretrainedTextEncoder.MiniLM } };
        Assert.Equal(2, space.Size);
        Assert.Equal(new[] { "BiGru H16 L1 Max", "MiniLM BiGru H16 L1 Max" }, space.Grid().Select(c => c.Describe()));
        Assert.Equal("MiniLM", space.Grid()[1].ToDictionary()["TextEncoder"]);
        Assert.Throws<ArgumentException>(() => new RecurrentSearchSpace { TextEncoders = Array.Empty<PretrainedTextEncoder>() }.Validate());
    }

    [Fact]
    public void Binary_comparison_runs_a_minilm_candidate_on_the_raw_text()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.Cache(ml.Data.TakeRows(ml.Data.ShuffleRows(TrainerModelTests.Yelp(ml), seed: 1), 240));
        var options = new SupervisedComparisonOptions
        {
            Folds = 2,
            IncludePretrainedBaselines = false,
            SearchSpace = new RecurrentSearchSpace { Cells = new[] { RecurrentCellKind.Gru }, HiddenSizes = new[] { 16 }, TextEncoders = new[] { PretrainedTextEncoder.MiniLM } },
            ConfigureRecurrent = o => { o.Epochs = 3; o.MaxSequenceLength = 32; },
        };
        ComparisonResult result = ml.CompareModels().BinaryClassification(data, ComparisonInput.Text(nameof(SentimentRow.Text)), options: options);
        output.WriteLine(result.ToTable());
        TrialResult minilm = result.Trials.Single(t => t.Name == "MiniLM BiGru H16 L1 Max");
        Assert.Equal(TrialStatus.Completed, minilm.Status);
        TrialResult sdca = result.Trials.Single(t => t.Name == "FeaturizeText + SdcaLogisticRegression");
        Assert.True(minilm.Mean >= sdca.Mean + 0.03, $"MiniLM {minilm.Mean:F4} vs SDCA {sdca.Mean:F4}");
        Assert.True(minilm.Mean >= 0.75, $"MiniLM {minilm.Mean:F4}");
    }
}
