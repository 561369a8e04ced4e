using System.Reflection;
using LstmMlNet.Catalog;
using LstmMlNet.Comparison;
using LstmMlNet.Engine;
using LstmMlNet.Forecasting;
using LstmMlNet.Training;
using Microsoft.ML;

namespace LstmMlNet.Tests.Catalog;

/// <summary>The one network-options type: one Validate with one wording naming the option, the same checks wherever it
/// is held (trainers, forecaster, search space), one mapping onto the engine's spec, and defaults that the options and
/// the flat catalog overloads read from the same constants.</summary>
public sealed class RecurrentNetworkOptionsTests
{
    /// <summary>Each bad value: the member it breaks, and the message's start (after the member's name).</summary>
    public static TheoryData<string, string> BadValues => new()
    {
        { "Cell", " must be one of Lstm, Gru, RnnTanh, RnnRelu, PeepholeLstm, Lstm1997, CifgLstm, ChoGru; got 77." },
        { "HiddenSize", " must be a positive integer; got 0." },
        { "HiddenSize-negative", " must be a positive integer; got -3." },
        { "Layers", " must be a positive integer; got 0." },
        { "Dropout", " must be a value in [0, 1); got 1." },
        { "Dropout-negative", " must be a value in [0, 1); got -0.1." },
        { "Dropout-NaN", " must be a value in [0, 1); got NaN." },
        { "Initialization", " must be a RecurrentInitialization; got null." },
        { "Initialization.ForgetGateBias", " must be a finite number; got Infinity." },
        { "Initialization.InputWeights", " must be one of XavierUniform, Orthogonal, PyTorchUniform; got 9." },
    };

    /// <summary>Breaks <paramref name="network"/> as <paramref name="breakage"/> says and returns the member's name.</summary>
    private static string Break(RecurrentNetworkOptions network, string breakage)
    {
        switch (breakage)
        {
            case "Cell": network.Cell = (RecurrentCellKind)77; break;
            case "HiddenSize": network.HiddenSize = 0; break;
            case "HiddenSize-negative": network.HiddenSize = -3; break;
            case "Layers": network.Layers = 0; break;
            case "Dropout": network.Dropout = 1; break;
            case "Dropout-negative": network.Dropout = -0.1; break;
            case "Dropout-NaN": network.Dropout = double.NaN; break;
            case "Initialization": network.Initialization = null!; break;
            case "Initialization.ForgetGateBias": network.Initialization.ForgetGateBias = double.PositiveInfinity; break;
            case "Initialization.InputWeights": network.Initialization.InputWeights = (WeightInitialization)9; break;
            default: throw new ArgumentException(breakage);
        }
        return breakage.Split('-')[0];
    }

    [Theory]
    [MemberData(nameof(BadValues))]
    public void Validate_names_the_option_and_the_value_received(string breakage, string expected)
    {
        var network = new RecurrentNetworkOptions();
        string member = Break(network, breakage);
        var error = Assert.Throws<ArgumentOutOfRangeException>(network.Validate);
        Assert.Equal(member, error.ParamName);
        Assert.StartsWith(member + expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(BadValues))]
    public void Every_options_class_names_the_bad_value_by_its_path_with_the_same_wording(string breakage, string expected)
    {
        var holders = new TrainingOptions[]
        {
            new LstmBinaryTrainer.Options(), new LstmMulticlassTrainer.Options(), new LstmRegressionTrainer.Options(),
            new LstmForecastingOptions { InputColumnName = "Value", Horizon = 4 },
        };
        foreach (TrainingOptions options in holders)
        {
            RecurrentNetworkOptions network = options is LstmTrainerOptions t ? t.Network : ((LstmForecastingOptions)options).Network;
            string member = "Network." + Break(network, breakage);
            var error = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);
            Assert.Equal(member, error.ParamName);
            Assert.StartsWith(member + expected, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_null_network_is_named()
    {
        var trainer = new LstmRegressionTrainer.Options { Network = null! };
        var error = Assert.Throws<ArgumentOutOfRangeException>(trainer.Validate);
        Assert.Equal("Network", error.ParamName);
        Assert.StartsWith("Network must be a RecurrentNetworkOptions; got null.", error.Message, StringComparison.Ordinal);
        var forecaster = new LstmForecastingOptions { InputColumnName = "Value", Horizon = 4, Network = null! };
        Assert.Equal("Network", Assert.Throws<ArgumentOutOfRangeException>(forecaster.Validate).ParamName);
    }

    [Theory]
    [InlineData("Cells", "Cell", " must be one of Lstm, Gru, RnnTanh, RnnRelu, PeepholeLstm, Lstm1997, CifgLstm, ChoGru; got 77.")]
    [InlineData("HiddenSizes", "HiddenSize", " must be a positive integer; got 0.")]
    [InlineData("Layers", "Layers", " must be a positive integer; got -1.")]
    public void The_search_space_checks_its_values_as_the_network_options_they_set(string list, string member, string expected)
    {
        RecurrentSearchSpace space = list switch
        {
            "Cells" => new() { Cells = new[] { RecurrentCellKind.Lstm, (RecurrentCellKind)77 } },
            "HiddenSizes" => new() { HiddenSizes = new[] { 64, 0 } },
            _ => new() { Layers = new[] { 1, -1 } },
        };
        var error = Assert.Throws<ArgumentOutOfRangeException>(space.Validate);
        Assert.Equal(member, error.ParamName);
        Assert.StartsWith(member + expected, error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => space.Grid());
    }

    [Fact]
    public void A_configuration_sets_cell_size_layers_and_direction_and_keeps_dropout_and_initialisation()
    {
        var options = new LstmBinaryTrainer.Options { Network = { Dropout = 0.35 } };
        options.Network.Initialization.ForgetGateBias = 2;
        new RecurrentConfiguration(RecurrentCellKind.Gru, 48, 3, false, PoolingKind.Mean, null).ApplyTo(options.Network, "ConfigureRecurrent", "trainer");
        Assert.Equal(RecurrentCellKind.Gru, options.Network.Cell);
        Assert.Equal(48, options.Network.HiddenSize);
        Assert.Equal(3, options.Network.Layers);
        Assert.False(options.Network.Bidirectional);
        Assert.Equal(0.35, options.Network.Dropout);
        Assert.Equal(2, options.Network.Initialization.ForgetGateBias);
        Assert.Equal(PoolingKind.Max, options.Pooling); // pooling is the trainer's, set by the comparison beside the network
    }

    [Fact]
    public void The_one_mapping_sets_the_encoder_of_the_spec_and_drops_dropout_for_a_single_layer()
    {
        var init = new RecurrentInitialization { ForgetGateBias = 0.5 };
        var network = new RecurrentNetworkOptions { Cell = RecurrentCellKind.PeepholeLstm, HiddenSize = 24, Layers = 2, Bidirectional = true, Dropout = 0.25, Initialization = init };
        var given = new NetworkSpec(new FrameInput(5), 3, Pooling: PoolingKind.Attention, AttentionSize: 7, HeadDropout: 0.1);
        NetworkSpec spec = network.ApplyTo(given);
        Assert.Equal(given with
        {
            Cell = RecurrentCellKind.PeepholeLstm, HiddenSize = 24, Layers = 2, Bidirectional = true, Dropout = 0.25, Initialization = init,
        }, spec);
        Assert.Equal(new EncoderSpec(RecurrentCellKind.PeepholeLstm, 5, 24, 2, true, 0.25, init), spec.Encoder);
        network.Layers = 1;
        Assert.Equal(0.0, network.ApplyTo(given).Dropout); // no layer above the only one to drop towards
    }

    [Fact]
    public void Trainers_forecaster_and_a_new_instance_start_from_their_own_documented_defaults()
    {
        var trainer = (RecurrentCellKind.Lstm, 128, 1, true, 0.2);
        var classifier = (RecurrentCellKind.Lstm, 64, 1, true, 0.2);
        Assert.Equal(classifier, Shape(new LstmBinaryTrainer.Options().Network));
        Assert.Equal(classifier, Shape(new LstmMulticlassTrainer.Options().Network));
        Assert.Equal(trainer, Shape(new LstmRegressionTrainer.Options().Network));
        Assert.Equal(LstmTrainerOptions.Defaults.ClassifierHiddenSize, classifier.Item2);
        Assert.Equal((RecurrentCellKind.Lstm, 64, 1, false, 0.0), Shape(new LstmForecastingOptions().Network));
        Assert.Equal((RecurrentCellKind.Lstm, 128, 1, false, 0.0), Shape(new RecurrentNetworkOptions()));
        Assert.Equal((LstmTrainerOptions.Defaults.Cell, LstmTrainerOptions.Defaults.HiddenSize, LstmTrainerOptions.Defaults.Layers,
            LstmTrainerOptions.Defaults.Bidirectional, LstmTrainerOptions.Defaults.Dropout), trainer);
        Assert.Equal((LstmForecastingOptions.Defaults.Cell, LstmForecastingOptions.Defaults.HiddenSize, LstmForecastingOptions.Defaults.Layers,
            LstmForecastingOptions.Defaults.Bidirectional, LstmForecastingOptions.Defaults.Dropout), Shape(new LstmForecastingOptions().Network));
        // Each options object owns its network: changing one does not change another's defaults.
        var a = new LstmBinaryTrainer.Options { Network = { HiddenSize = 8 } };
        Assert.Equal(64, new LstmBinaryTrainer.Options().Network.HiddenSize);
        Assert.NotSame(a.Network, new LstmBinaryTrainer.Options().Network);
    }

    /// <summary>Each owner's network defaults: cell, hidden size, layers, direction, dropout.</summary>
    public static TheoryData<string> Owners => new() { "binary", "multiclass", "regression", "forecaster" };

    private static (TrainingOptions Options, (RecurrentCellKind, int, int, bool, double) Defaults) Owner(string owner) => owner switch
    {
        "binary" => (new LstmBinaryTrainer.Options(), (RecurrentCellKind.Lstm, 64, 1, true, 0.2)),
        "multiclass" => (new LstmMulticlassTrainer.Options(), (RecurrentCellKind.Lstm, 64, 1, true, 0.2)),
        "regression" => (new LstmRegressionTrainer.Options(), (RecurrentCellKind.Lstm, 128, 1, true, 0.2)),
        _ => (new LstmForecastingOptions { InputColumnName = "Value", Horizon = 4 }, (RecurrentCellKind.Lstm, 64, 1, false, 0.0)),
    };

    private static RecurrentNetworkOptions NetworkOf(TrainingOptions options) =>
        options is LstmTrainerOptions t ? t.Network : ((LstmForecastingOptions)options).Network;

    private static void Assign(TrainingOptions options, RecurrentNetworkOptions network)
    {
        if (options is LstmTrainerOptions t) t.Network = network;
        else ((LstmForecastingOptions)options).Network = network;
    }

    private static (RecurrentCellKind, int, int, bool, double) Shape(RecurrentNetworkOptions n) => (n.Cell, n.HiddenSize, n.Layers, n.Bidirectional, n.Dropout);

    [Theory]
    [MemberData(nameof(Owners))]
    public void An_assigned_network_keeps_the_owners_defaults_for_what_it_does_not_set(string owner)
    {
        var (options, defaults) = Owner(owner);
        var network = new RecurrentNetworkOptions { Cell = RecurrentCellKind.Gru };
        Assert.Equal((RecurrentCellKind.Gru, 128, 1, false, 0.0), Shape(network)); // held by no options: the type's defaults
        Assign(options, network);
        Assert.Same(network, NetworkOf(options)); // the instance is kept: later changes reach the options
        Assert.Equal(defaults with { Item1 = RecurrentCellKind.Gru }, Shape(network));
        network.Layers = 2;
        Assert.Equal(defaults with { Item1 = RecurrentCellKind.Gru, Item3 = 2 }, Shape(NetworkOf(options)));
        // A member set to the type's default is still set: it is not replaced by the owner's.
        Assign(options, new RecurrentNetworkOptions { HiddenSize = 128, Bidirectional = false, Dropout = 0 });
        Assert.Equal((RecurrentCellKind.Lstm, 128, 1, false, 0.0), Shape(NetworkOf(options)));
    }

    [Fact]
    public void A_network_of_other_options_is_copied_so_neither_owner_changes_the_other()
    {
        var classifier = new LstmBinaryTrainer.Options { Network = { Cell = RecurrentCellKind.Gru } };
        var forecaster = new LstmForecastingOptions { InputColumnName = "Value", Horizon = 4, Network = classifier.Network };
        Assert.NotSame(classifier.Network, forecaster.Network);
        Assert.Equal((RecurrentCellKind.Gru, 64, 1, true, 0.2), Shape(classifier.Network));
        Assert.Equal((RecurrentCellKind.Gru, 64, 1, false, 0.0), Shape(forecaster.Network));
        var multiclass = new LstmMulticlassTrainer.Options { Network = classifier.Network }; // the same defaults: shared
        Assert.Same(classifier.Network, multiclass.Network);
        var regression = new LstmRegressionTrainer.Options { Network = classifier.Network };
        Assert.Equal((RecurrentCellKind.Gru, 128, 1, true, 0.2), Shape(regression.Network));
        Assert.Equal((RecurrentCellKind.Gru, 64, 1, true, 0.2), Shape(classifier.Network));
    }

    /// <summary>Rows of frames (2 values per step) with every label kind the trainers read.</summary>
    private sealed class FrameRow
    {
        [Microsoft.ML.Data.VectorType]
        public float[] Frames { get; set; } = Array.Empty<float>();

        public bool Positive { get; set; }

        public string Class { get; set; } = "";

        public float Value { get; set; }
    }

    /// <summary>The fitted network's shape, from the ONNX model's metadata: cell, hidden size, layers, direction and the
    /// dropout between layers it trained with.</summary>
    private static (RecurrentCellKind, int, int, bool, double) FittedShape(byte[] onnx)
    {
        var props = LstmMlNet.Onnx.Protobuf.ModelProto.Parser.ParseFrom(onnx).MetadataProps.ToDictionary(p => p.Key, p => p.Value);
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        return (Enum.Parse<RecurrentCellKind>(props["lstmmlnet.cell"]), int.Parse(props["lstmmlnet.hidden_size"], invariant),
            int.Parse(props["lstmmlnet.layers"], invariant), bool.Parse(props["lstmmlnet.bidirectional"]), double.Parse(props["lstmmlnet.dropout"], invariant));
    }

    [Theory]
    [MemberData(nameof(Owners))]
    public void A_fitted_model_of_an_assigned_network_has_the_owners_size_direction_and_dropout(string owner)
    {
        var (options, defaults) = Owner(owner);
        Assign(options, new RecurrentNetworkOptions { Cell = RecurrentCellKind.Gru, Layers = 2 });
        options.Epochs = 1;
        options.Seed = 1;
        var ml = new MLContext(seed: 1);
        var random = new Random(1);
        FrameRow[] rows = Enumerable.Range(0, 48).Select(i => new FrameRow
        {
            Frames = Enumerable.Range(0, 2 * (3 + i % 4)).Select(_ => (float)random.NextDouble()).ToArray(),
            Positive = i % 2 == 0, Class = ((char)('a' + i % 3)).ToString(), Value = (float)Math.Sin(i / 5.0),
        }).ToArray();
        IDataView data = ml.Data.LoadFromEnumerable(rows);
        byte[] onnx;
        ITransformer model;
        switch (options)
        {
            case LstmTrainerOptions trainerOptions:
                trainerOptions.FeatureColumnName = nameof(FrameRow.Frames);
                trainerOptions.FrameSize = 2;
                trainerOptions.LabelColumnName = owner switch { "binary" => nameof(FrameRow.Positive), "multiclass" => "Label", _ => nameof(FrameRow.Value) };
                IEstimator<ITransformer> estimator;
                Func<LstmFitReport?> report;
                switch (options)
                {
                    case LstmBinaryTrainer.Options o:
                        var binary = ml.BinaryClassification.Trainers.Lstm(o);
                        (estimator, report) = (binary, () => binary.LastFitReport);
                        break;
                    case LstmMulticlassTrainer.Options o:
                        var multiclass = ml.MulticlassClassification.Trainers.Lstm(o);
                        (estimator, report) = (ml.Transforms.Conversion.MapValueToKey("Label", nameof(FrameRow.Class)).Append(multiclass), () => multiclass.LastFitReport);
                        break;
                    default:
                        var regression = ml.Regression.Trainers.Lstm((LstmRegressionTrainer.Options)options);
                        (estimator, report) = (regression, () => regression.LastFitReport);
                        break;
                }
                model = estimator.Fit(data);
                onnx = report()!.OnnxModel();
                break;
            default:
                var forecaster = (LstmForecastingOptions)options;
                forecaster.InputColumnName = nameof(FrameRow.Value);
                forecaster.WindowSize = 8;
                forecaster.MinimumOptimizerSteps = 0;
                var transformer = ml.Forecasting.ForecastByLstm(forecaster).Fit(data);
                model = transformer;
                onnx = transformer.OnnxModel();
                break;
        }
        (model as IDisposable)?.Dispose();
        Assert.Equal(defaults with { Item1 = RecurrentCellKind.Gru, Item3 = 2 }, FittedShape(onnx));
    }

    [Fact]
    public void The_flat_trainer_overloads_default_to_the_options_defaults_through_the_same_constants()
    {
        var ml = new MLContext(seed: 1);
        var flat = new LstmTrainerOptions[]
        {
            ml.BinaryClassification.Trainers.Lstm().TrainerOptions,
            ml.MulticlassClassification.Trainers.Lstm().TrainerOptions,
            ml.Regression.Trainers.Lstm().TrainerOptions,
        };
        var built = new LstmTrainerOptions[] { new LstmBinaryTrainer.Options(), new LstmMulticlassTrainer.Options(), new LstmRegressionTrainer.Options() };
        for (int i = 0; i < flat.Length; i++)
        {
            Assert.Equal(built[i].GetType(), flat[i].GetType());
            Assert.Equal((built[i].LabelColumnName, built[i].FeatureColumnName, built[i].Network.Cell, built[i].Network.HiddenSize, built[i].Network.Bidirectional, built[i].Epochs),
                (flat[i].LabelColumnName, flat[i].FeatureColumnName, flat[i].Network.Cell, flat[i].Network.HiddenSize, flat[i].Network.Bidirectional, flat[i].Epochs));
            Assert.Equal((LstmTrainerOptions.Defaults.LabelColumnName, LstmTrainerOptions.Defaults.FeatureColumnName, LstmTrainerOptions.Defaults.Epochs),
                (built[i].LabelColumnName, built[i].FeatureColumnName, built[i].Epochs));
        }

        // The overloads' declared defaults are the constants (the values compiled into callers).
        var expected = new Dictionary<string, object>
        {
            ["labelColumnName"] = LstmTrainerOptions.Defaults.LabelColumnName,
            ["featureColumnName"] = LstmTrainerOptions.Defaults.FeatureColumnName,
            ["cell"] = LstmTrainerOptions.Defaults.Cell,
            ["hiddenSize"] = LstmTrainerOptions.Defaults.HiddenSize,
            ["bidirectional"] = LstmTrainerOptions.Defaults.Bidirectional,
            ["epochs"] = LstmTrainerOptions.Defaults.Epochs,
        };
        MethodInfo[] overloads = typeof(LstmCatalog).GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Where(m => m.Name == "Lstm" && m.GetParameters().Length > 2).ToArray();
        Assert.Equal(3, overloads.Length);
        foreach (MethodInfo method in overloads)
        {
            bool regression = method.ReturnType == typeof(LstmRegressionTrainer);
            foreach (ParameterInfo parameter in method.GetParameters().Skip(1))
            {
                object? value = parameter.DefaultValue;
                if (parameter.ParameterType.IsEnum) value = Enum.ToObject(parameter.ParameterType, value!);
                object want = parameter.Name == "hiddenSize" && !regression ? LstmTrainerOptions.Defaults.ClassifierHiddenSize : expected[parameter.Name!];
                Assert.Equal(want, value);
            }
        }
    }

    [Fact]
    public void The_flat_forecasting_overload_defaults_to_the_options_defaults_through_the_same_constants()
    {
        var ml = new MLContext(seed: 1);
        LstmForecastingOptions flat = ml.Forecasting.ForecastByLstm("Forecast", "Value", windowSize: 0, horizon: 4).Options;
        var built = new LstmForecastingOptions();
        Assert.Equal((built.ConfidenceLevel, built.ConfidenceLowerBoundColumn, built.ConfidenceUpperBoundColumn, built.Network.HiddenSize, built.Network.Bidirectional, built.Epochs),
            (flat.ConfidenceLevel, flat.ConfidenceLowerBoundColumn, flat.ConfidenceUpperBoundColumn, flat.Network.HiddenSize, flat.Network.Bidirectional, flat.Epochs));
        Assert.Equal((LstmForecastingOptions.Defaults.ConfidenceLevel, LstmForecastingOptions.Defaults.ConfidenceLowerBoundColumn,
            LstmForecastingOptions.Defaults.ConfidenceUpperBoundColumn, LstmForecastingOptions.Defaults.OutputColumnName, LstmForecastingOptions.Defaults.Epochs,
            LstmForecastingOptions.Defaults.LearningRate),
            (built.ConfidenceLevel, built.ConfidenceLowerBoundColumn, built.ConfidenceUpperBoundColumn, built.OutputColumnName, built.Epochs, built.LearningRate));
        MethodInfo overload = typeof(ForecastingCatalogExtensions).GetMethods().Single(m => m.Name == "ForecastByLstm" && m.GetParameters().Length > 2);
        ParameterInfo[] parameters = overload.GetParameters();
        Assert.Equal(LstmForecastingOptions.Defaults.ConfidenceLevel, parameters.Single(p => p.Name == "confidenceLevel").DefaultValue);
        Assert.Equal(LstmForecastingOptions.Defaults.ConfidenceLowerBoundColumn, parameters.Single(p => p.Name == "confidenceLowerBoundColumn").DefaultValue);
        Assert.Equal(LstmForecastingOptions.Defaults.ConfidenceUpperBoundColumn, parameters.Single(p => p.Name == "confidenceUpperBoundColumn").DefaultValue);
    }

    [Fact]
    public void A_copy_of_the_forecaster_options_owns_its_network()
    {
        var options = new LstmForecastingOptions { Network = { HiddenSize = 16 } };
        LstmForecastingOptions copy = options.Clone();
        copy.Network.HiddenSize = 32;
        copy.Network.Initialization.ForgetGateBias = 0;
        Assert.Equal(16, options.Network.HiddenSize);
        Assert.Equal(32, copy.Network.HiddenSize);
        Assert.Equal(1.0, options.Network.Initialization.ForgetGateBias);
        Assert.Equal(0.0, copy.Network.Initialization.ForgetGateBias);
    }
}
