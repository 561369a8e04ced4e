using LstmMlNet.Interop;
using LstmMlNet.Tests.Infrastructure;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace LstmMlNet.Tests.Interop;

/// <summary>Each reflection bridge into ML.NET's internals (src/LstmMlNet/Interop), called directly: an ML.NET upgrade that
/// removes or changes a member they reach fails here, with the bridge's error naming that member.</summary>
public sealed class MlNetInteropTests
{
    [Fact]
    public void Catalog_environment_is_found_behind_every_catalog_the_library_extends()
    {
        var ml = new MLContext(seed: 1) { GpuDeviceId = 5, FallbackToCpu = true };
        object[] catalogs = { ml.BinaryClassification.Trainers, ml.MulticlassClassification.Trainers, ml.Regression.Trainers, ml.Forecasting };
        foreach (object catalog in catalogs)
        {
            IHostEnvironment environment = CatalogEnvironment.Of(catalog);
            // ML.NET's own environment, not the MLContext: the device settings below come through the second bridge.
            Assert.IsNotType<MLContext>(environment);
            Assert.Equal((5, true), EnvironmentDevice.Of(environment));
        }
    }

    [Fact]
    public void Environment_device_settings_follow_the_mlcontext()
    {
        var ml = new MLContext(seed: 1);
        IHostEnvironment environment = CatalogEnvironment.Of(ml.Regression.Trainers);
        Assert.Equal((null, false), EnvironmentDevice.Of(environment));
        ml.GpuDeviceId = 2;
        Assert.Equal((2, false), EnvironmentDevice.Of(environment));
        ml.FallbackToCpu = true;
        Assert.Equal((2, true), EnvironmentDevice.Of(environment));
        Assert.Equal((2, true), EnvironmentDevice.Of((IHostEnvironment)ml));
    }

    [Fact]
    public void Schema_shape_columns_are_built_with_the_internal_constructor()
    {
        SchemaShape.Column scalar = SchemaShapeColumns.Scalar("Score", NumberDataViewType.Single);
        Assert.Equal(("Score", SchemaShape.Column.VectorKind.Scalar, (DataViewType)NumberDataViewType.Single, false), (scalar.Name, scalar.Kind, scalar.ItemType, scalar.IsKey));
        SchemaShape.Column vector = SchemaShapeColumns.Vector("Forecast", NumberDataViewType.Single);
        Assert.Equal(("Forecast", SchemaShape.Column.VectorKind.Vector, (DataViewType)NumberDataViewType.Single, false), (vector.Name, vector.Kind, vector.ItemType, vector.IsKey));

        var ml = new MLContext(seed: 1);
        IDataView keyed = ml.Transforms.Conversion.MapValueToKey("Label").Fit(ml.Data.LoadFromEnumerable(new[] { new LabelRow { Label = "a" } }))
            .Transform(ml.Data.LoadFromEnumerable(new[] { new LabelRow { Label = "a" } }));
        SchemaShape.Column label = SchemaShapes.Of(keyed.Schema).Single(c => c.Name == "Label");
        SchemaShape.Column key = SchemaShapeColumns.Key("PredictedLabel", label.Annotations);
        Assert.Equal(("PredictedLabel", SchemaShape.Column.VectorKind.Scalar, (DataViewType)NumberDataViewType.UInt32, true), (key.Name, key.Kind, key.ItemType, key.IsKey));
        Assert.Equal(label.Annotations.Select(a => a.Name), key.Annotations.Select(a => a.Name));
        Assert.True(SchemaShapeColumns.TryFind(new SchemaShape(new[] { scalar, key }), "PredictedLabel", out SchemaShape.Column found) && found.IsKey);
    }

    [Fact]
    public void Prediction_heads_compute_the_identity_models_over_the_raw_outputs()
    {
        var ml = new MLContext(seed: 1);
        IHostEnvironment environment = CatalogEnvironment.Of(ml.BinaryClassification.Trainers);
        var rows = new[] { new RawRow { Raw = new[] { 1.5f, -0.5f, 0f }, Label = "b" }, new RawRow { Raw = new[] { -2f, 0.25f, 3f }, Label = "c" }, new RawRow { Raw = new[] { 0f, 0f, 0f }, Label = "a" } };

        IDataView one = ml.Data.LoadFromEnumerable(rows.Select(r => new RawRow { Raw = r.Raw[..1], Label = r.Label }), Schema(1));
        IDataView binary = PredictionHeads.Binary(environment, one, nameof(RawRow.Raw)).Transform(one);
        float[] score = binary.GetColumn<float>("Score").ToArray();
        Assert.Equal(new[] { 1.5f, -2f, 0f }, score);
        float[] probability = binary.GetColumn<float>("Probability").ToArray();
        for (int i = 0; i < score.Length; i++) Assert.Equal(1 / (1 + Math.Exp(-score[i])), probability[i], 1e-6);
        Assert.Equal(new[] { true, false, false }, binary.GetColumn<bool>("PredictedLabel").ToArray());

        IDataView regression = PredictionHeads.Regression(environment, one, nameof(RawRow.Raw)).Transform(one);
        Assert.Equal(new[] { 1.5f, -2f, 0f }, regression.GetColumn<float>("Score").ToArray());

        IDataView three = ml.Data.LoadFromEnumerable(rows, Schema(3));
        IDataView keyed = ml.Transforms.Conversion.MapValueToKey(nameof(RawRow.Label)).Fit(three).Transform(three); // keys in order of appearance: b, c, a
        IDataView multiclass = PredictionHeads.Multiclass(environment, keyed, nameof(RawRow.Raw), nameof(RawRow.Label), 3).Transform(keyed);
        float[][] probabilities = multiclass.GetColumn<float[]>("Score").ToArray();
        for (int i = 0; i < rows.Length; i++)
        {
            double[] e = rows[i].Raw.Select(v => Math.Exp(v)).ToArray();
            for (int k = 0; k < 3; k++) Assert.Equal(e[k] / e.Sum(), probabilities[i][k], 1e-6);
        }
        Assert.Equal(new uint[] { 1, 3, 1 }, multiclass.GetColumn<uint>("PredictedLabel").ToArray());
    }

    [Fact]
    public void A_missing_member_is_named_with_the_loaded_version_and_the_supported_range()
    {
        InvalidOperationException error = MlNetMemberMissing.Error(SchemaShapeColumns.Member, "declare the output columns of GetOutputSchema");
        string loaded = typeof(MLContext).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .Cast<System.Reflection.AssemblyInformationalVersionAttribute>().Single().InformationalVersion.Split('+')[0];
        Assert.Equal("[5.0.1, 7.0.0)", MlNetMemberMissing.SupportedVersions); // Directory.Packages.props' MlNetSupportedVersions
        Assert.Matches(@"^Microsoft\.ML " + System.Text.RegularExpressions.Regex.Escape(loaded) + @" has no SchemaShape\.Column\.\.ctor\(String, VectorKind, DataViewType, Boolean, SchemaShape\), which LstmMlNet \S+ uses to " +
            @"declare the output columns of GetOutputSchema; LstmMlNet supports Microsoft\.ML 5\.0\.1 or later, below 7\.0\.0\.$", error.Message);
        Assert.Contains(typeof(Random).Name, Assert.Throws<InvalidOperationException>(() => CatalogEnvironment.Of(new Random())).Message);
    }

    [Theory]
    [InlineData("[5.0.1, 7.0.0)", "5.0.1 or later, below 7.0.0")]
    [InlineData("[5.0.1,6.0.0]", "5.0.1 or later, up to 6.0.0")]
    [InlineData("[5.0.1, )", "5.0.1 or later")]
    [InlineData("5.0.1", "5.0.1")]
    public void The_supported_range_reads_in_words(string range, string words) => Assert.Equal(words, MlNetMemberMissing.Describe(range));

    private static SchemaDefinition Schema(int slots)
    {
        SchemaDefinition schema = SchemaDefinition.Create(typeof(RawRow));
        schema[nameof(RawRow.Raw)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, slots);
        return schema;
    }

    private sealed class RawRow
    {
        public float[] Raw { get; set; } = Array.Empty<float>();

        public string Label { get; set; } = "";
    }

    private sealed class LabelRow
    {
        public string Label { get; set; } = "";
    }
}
