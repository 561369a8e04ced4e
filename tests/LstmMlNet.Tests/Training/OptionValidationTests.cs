using LstmMlNet.Catalog;
using LstmMlNet.Engine;
using LstmMlNet.Forecasting;
using LstmMlNet.Tests.Catalog;
using LstmMlNet.Tests.Forecasting;
using LstmMlNet.Training;
using Microsoft.ML;

namespace LstmMlNet.Tests.Training;

/// <summary>Every options class rejects a bad value at the start of Fit, naming the option, before any training.</summary>
public sealed class OptionValidationTests
{
    public static TheoryData<string> Breakages => new()
    {
        "Schedule", "Optimizer", "Network.Cell", "Pooling", "Network.Initialization.ForgetGateBias", "Network.Initialization.InputWeights",
        "Network.Initialization.RecurrentWeights", "Network.Initialization",
    };

    /// <summary>Breaks one option of <paramref name="options"/>.</summary>
    private static void Break(TrainingOptions options, string option)
    {
        RecurrentInitialization? init = options switch
        {
            LstmTrainerOptions t => t.Network.Initialization,
            LstmForecastingOptions f => f.Network.Initialization,
            _ => null,
        };
        switch (option)
        {
            case "Schedule": options.Schedule = (LearningRateSchedule)99; break;
            case "Optimizer": options.Optimizer = (OptimizerKind)42; break;
            case "Network.Cell" when options is LstmTrainerOptions t: t.Network.Cell = (RecurrentCellKind)77; break;
            case "Network.Cell" when options is LstmForecastingOptions f: f.Network.Cell = (RecurrentCellKind)77; break;
            case "Pooling" when options is LstmTrainerOptions t: t.Pooling = (PoolingKind)55; break;
            case "Pooling": options.Schedule = (LearningRateSchedule)99; break; // the forecaster has no pooling option
            case "Network.Initialization.ForgetGateBias": init!.ForgetGateBias = double.NaN; break;
            case "Network.Initialization.InputWeights": init!.InputWeights = (WeightInitialization)9; break;
            case "Network.Initialization.RecurrentWeights": init!.RecurrentWeights = (WeightInitialization)9; break;
            case "Network.Initialization" when options is LstmTrainerOptions t: t.Network.Initialization = null!; break;
            case "Network.Initialization" when options is LstmForecastingOptions f: f.Network.Initialization = null!; break;
        }
    }

    private static string Expected(TrainingOptions options, string option) => option == "Pooling" && options is LstmForecastingOptions ? "Schedule" : option;

    [Theory]
    [MemberData(nameof(Breakages))]
    public void Regression_trainer_names_the_bad_option(string option)
    {
        var ml = new MLContext(seed: 1);
        var options = new LstmRegressionTrainer.Options { FeatureColumnName = "Frames", FrameSize = 2, Network = { HiddenSize = 4 }, Epochs = 1, Seed = 1 };
        Break(options, option);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Regression.Trainers.Lstm(options).Fit(ml.Data.LoadFromEnumerable(RegressionTrainerTests.Rows(20, 1))));
        Assert.Equal(Expected(options, option), error.ParamName);
        Assert.StartsWith(option, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Breakages))]
    public void Forecaster_names_the_bad_option(string option)
    {
        var ml = new MLContext(seed: 1);
        var options = new LstmForecastingOptions { InputColumnName = "Value", WindowSize = 12, Horizon = 4, Network = { HiddenSize = 4 }, Epochs = 1, MinimumOptimizerSteps = 0, Seed = 1 };
        Break(options, option);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Forecasting.ForecastByLstm(options).Fit(ml.Data.LoadFromEnumerable(ForecastEngineTests.Points(120, 1))));
        Assert.Equal(Expected(options, option), error.ParamName);
    }

    [Fact]
    public void Classifier_options_name_the_schedule_and_the_forget_gate_bias()
    {
        var binary = new LstmBinaryTrainer.Options { Schedule = (LearningRateSchedule)99 };
        Assert.Equal("Schedule", Assert.Throws<ArgumentOutOfRangeException>(binary.Validate).ParamName);
        Assert.Contains("got 99", Assert.Throws<ArgumentOutOfRangeException>(binary.Validate).Message);
        var multiclass = new LstmMulticlassTrainer.Options();
        multiclass.Network.Initialization.ForgetGateBias = double.PositiveInfinity;
        Assert.Equal("Network.Initialization.ForgetGateBias", Assert.Throws<ArgumentOutOfRangeException>(multiclass.Validate).ParamName);
    }

    [Fact]
    public void A_confidence_level_too_high_for_the_series_is_named_as_the_cause()
    {
        var ml = new MLContext(seed: 1);
        var options = new LstmForecastingOptions { InputColumnName = "Value", WindowSize = 12, Horizon = 4, Network = { HiddenSize = 4 }, Epochs = 1, Seed = 1, ConfidenceLevel = 0.999f };
        var error = Assert.Throws<InvalidOperationException>(() => ml.Forecasting.ForecastByLstm(options).Fit(ml.Data.LoadFromEnumerable(ForecastEngineTests.Points(80, 1))));
        Assert.Contains("ConfidenceLevel 0.999", error.Message);
        Assert.Matches(@"= 100\d observations", error.Message); // h + ⌈1/(1 − 0.999f)⌉ − 1 (1 − 0.999f is a little under 0.001)
        options.ConfidenceLevel = 0.95f;
        options.ValidationTailLength = 70;
        var explicitTail = Assert.Throws<InvalidOperationException>(() => ml.Forecasting.ForecastByLstm(options).Fit(ml.Data.LoadFromEnumerable(ForecastEngineTests.Points(80, 1))));
        Assert.DoesNotContain("ConfidenceLevel", explicitTail.Message); // the tail the user set is the cause
    }
    /// <summary>TrainingOptions.Seed's documentation: null draws from the context's random source.</summary>
    [Fact]
    public void A_null_seed_follows_the_context_seed_as_documented()
    {
        byte[] FitOnce(MLContext ml)
        {
            var trainer = ml.Regression.Trainers.Lstm(new LstmRegressionTrainer.Options { FeatureColumnName = "Frames", FrameSize = 2, Network = { HiddenSize = 4 }, Epochs = 1 });
            trainer.Fit(ml.Data.LoadFromEnumerable(RegressionTrainerTests.Rows(20, 1)));
            return trainer.LastFitReport!.OnnxModel();
        }

        Assert.NotEqual(FitOnce(new MLContext()), FitOnce(new MLContext())); // no seed anywhere: every Fit differs
        var seeded = new MLContext(seed: 5);
        byte[] first = FitOnce(seeded), second = FitOnce(seeded);
        Assert.NotEqual(first, second); // two Fits on one context draw different seeds
        var again = new MLContext(seed: 5);
        Assert.Equal(first, FitOnce(again)); // ... and the same ones on a new context with the same seed
        Assert.Equal(second, FitOnce(again));
    }
}
