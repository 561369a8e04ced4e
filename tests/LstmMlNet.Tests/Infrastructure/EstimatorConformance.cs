using Microsoft.ML;
using Microsoft.ML.Data;

namespace LstmMlNet.Tests.Infrastructure;

/// <summary>
/// The check every public estimator passes, as ML.NET's own <c>TestEstimatorCore</c>: the schema GetOutputSchema promises
/// is the schema the fitted transformer delivers (column by column: name, vector kind, item type, key-ness, annotations);
/// bad input (a missing column, a column of the wrong type) is rejected by GetOutputSchema and by Fit with an
/// <see cref="ArgumentException"/> naming the column, and (a column the model reads) by the fitted model's GetOutputSchema
/// with an error naming it;
/// the model saved with <c>ml.Model.Save</c> and loaded with <c>ml.Model.Load</c> in a fresh context has the same output
/// schema and the same values, bit for bit, in every output column.
/// </summary>
internal static class EstimatorConformance
{
    /// <summary>Runs the check; returns the fitted model.</summary>
    /// <param name="ml">The context the estimator was made from.</param>
    /// <param name="estimator">The estimator under test.</param>
    /// <param name="data">Good input.</param>
    /// <param name="persisted">The input the saved model reads and the values the fitted model gives on it, when the saved
    /// model is not the fitted transformer itself (a forecaster saves its window scoring model); null: <paramref name="data"/>
    /// and the fitted model's Transform of it.</param>
    /// <param name="bad">Inputs that must be rejected, each naming its column.</param>
    public static ITransformer Check<TModel>(MLContext ml, IEstimator<TModel> estimator, IDataView data, Func<TModel, (IDataView Input, IDataView Scored)>? persisted,
        params BadInput[] bad)
        where TModel : class, ITransformer
    {
        SchemaShape input = SchemaShapes.Of(data.Schema);
        SchemaShape promised = estimator.GetOutputSchema(input);
        TModel model = estimator.Fit(data);
        DataViewSchema delivered = model.GetOutputSchema(data.Schema);
        SameShape(promised, SchemaShapes.Of(delivered), "GetOutputSchema vs the fitted transformer's output schema");
        IDataView scored = model.Transform(data);
        SameShape(SchemaShapes.Of(delivered), SchemaShapes.Of(scored.Schema), "the transformer's output schema vs its Transform");
        string[] outputs = scored.Schema.Where(c => !c.IsHidden && data.Schema.GetColumnOrNull(c.Name) is null).Select(c => c.Name).ToArray();
        Assert.NotEmpty(outputs);

        foreach (BadInput b in bad)
        {
            var schemaError = Assert.ThrowsAny<ArgumentException>(() => estimator.GetOutputSchema(SchemaShapes.Of(b.Data.Schema)));
            Assert.True(schemaError.Message.Contains($"'{b.Column}'", StringComparison.Ordinal), $"{b.What}: GetOutputSchema's error does not name '{b.Column}': {schemaError.Message}");
            var fitError = Assert.ThrowsAny<ArgumentException>(() => estimator.Fit(b.Data));
            Assert.True(fitError.Message.Contains($"'{b.Column}'", StringComparison.Ordinal), $"{b.What}: Fit's error does not name '{b.Column}': {fitError.Message}");
            if (!b.ModelReads) continue;
            var modelError = Assert.ThrowsAny<Exception>(() => model.GetOutputSchema(b.Data.Schema));
            Assert.True(Messages(modelError).Contains(b.Column, StringComparison.Ordinal), $"{b.What}: the model's error does not name '{b.Column}': {Messages(modelError)}");
        }

        var (savedData, expected) = persisted?.Invoke(model) ?? (data, scored);
        string[] compared = expected.Schema.Where(c => !c.IsHidden && savedData.Schema.GetColumnOrNull(c.Name) is null).Select(c => c.Name).ToArray();
        Assert.NotEmpty(compared);
        var stream = new MemoryStream();
        ml.Model.Save(model, savedData.Schema, stream);
        stream.Position = 0;
        var other = new MLContext(seed: 2);
        ITransformer loaded = other.Model.Load(stream, out DataViewSchema savedInput);
        using var releaseLoaded = Released.After(loaded);
        SameShape(SchemaShapes.Of(savedData.Schema), SchemaShapes.Of(savedInput), "the saved input schema");
        IDataView reloaded = loaded.Transform(savedData);
        SameShape(SchemaShapes.Of(expected.Schema), SchemaShapes.Of(reloaded.Schema), "the loaded model's output schema");
        foreach (string column in compared)
        {
            List<string> before = Values(expected, column), after = Values(reloaded, column);
            Assert.True(before.SequenceEqual(after), $"column '{column}' differs after Save/Load: first rows [{string.Join("; ", before.Take(3))}] vs [{string.Join("; ", after.Take(3))}]");
        }
        return model;
    }

    private static void SameShape(SchemaShape expected, SchemaShape actual, string what)
    {
        string[] expectedNames = expected.Select(c => c.Name).Order(StringComparer.Ordinal).ToArray();
        string[] actualNames = actual.Select(c => c.Name).Order(StringComparer.Ordinal).ToArray();
        Assert.True(expectedNames.SequenceEqual(actualNames), $"{what}: columns [{string.Join(", ", expectedNames)}] vs [{string.Join(", ", actualNames)}]");
        foreach (SchemaShape.Column e in expected)
        {
            SchemaShape.Column a = actual.Single(c => c.Name == e.Name);
            Assert.True(e.Kind == a.Kind && e.ItemType.Equals(a.ItemType) && e.IsKey == a.IsKey,
                $"{what}: column '{e.Name}' is {e.Kind} {e.ItemType}{(e.IsKey ? " key" : "")} vs {a.Kind} {a.ItemType}{(a.IsKey ? " key" : "")}");
            // As TestEstimatorCore (ML.NET's internal IsCompatibleWith): every annotation delivered is promised, with its type.
            foreach (SchemaShape.Column annotation in a.Annotations)
            {
                Assert.True(SchemaShapeColumnsFind(e.Annotations, annotation.Name, out SchemaShape.Column p)
                        && p.Kind == annotation.Kind && p.ItemType.Equals(annotation.ItemType) && p.IsKey == annotation.IsKey,
                    $"{what}: column '{e.Name}' delivers annotation '{annotation.Name}' ({annotation.Kind} {annotation.ItemType}) that was not promised " +
                    $"(promised [{Describe(e.Annotations)}], delivered [{Describe(a.Annotations)}])");
            }
        }
    }

    private static string Describe(SchemaShape annotations) =>
        string.Join(", ", annotations.Select(m => $"{m.Name} {m.Kind} {m.ItemType}{(m.IsKey ? " key" : "")}"));

    private static bool SchemaShapeColumnsFind(SchemaShape shape, string name, out SchemaShape.Column column) =>
        LstmMlNet.Interop.SchemaShapeColumns.TryFind(shape, name, out column);

    /// <summary>A column's values, each row as text (round-trip formats, so equal text is equal bits).</summary>
    private static List<string> Values(IDataView data, string column)
    {
        DataViewType type = data.Schema[column].Type;
        DataViewType item = type is VectorDataViewType v ? v.ItemType : type;
        return item.RawType switch
        {
            Type t when t == typeof(float) => type is VectorDataViewType ? Rows<float>(data, column) : Scalars<float>(data, column),
            Type t when t == typeof(double) => type is VectorDataViewType ? Rows<double>(data, column) : Scalars<double>(data, column),
            Type t when t == typeof(bool) => type is VectorDataViewType ? Rows<bool>(data, column) : Scalars<bool>(data, column),
            Type t when t == typeof(uint) => type is VectorDataViewType ? Rows<uint>(data, column) : Scalars<uint>(data, column),
            Type t when t == typeof(long) => type is VectorDataViewType ? Rows<long>(data, column) : Scalars<long>(data, column),
            _ => throw new NotSupportedException($"Column '{column}' has type {type}, which the conformance check does not compare."),
        };
    }

    private static List<string> Scalars<T>(IDataView data, string column) => data.GetColumn<T>(column).Select(Format).ToList();

    private static List<string> Rows<T>(IDataView data, string column) =>
        data.GetColumn<VBuffer<T>>(column).Select(b => string.Join(" ", b.DenseValues().Select(x => Format(x)))).ToList();

    private static string Format<T>(T value) => value switch
    {
        float f => f.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        double d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };

    private static string Messages(Exception e)
    {
        var parts = new List<string>();
        for (Exception? x = e; x is not null; x = x.InnerException) parts.Add(x.Message);
        return string.Join(" ← ", parts);
    }
}
