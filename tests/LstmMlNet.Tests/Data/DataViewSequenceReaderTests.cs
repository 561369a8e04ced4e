using LstmMlNet.Data;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LstmMlNet.Tests.Data;

public sealed class DataViewSequenceReaderTests
{
    private sealed class Row
    {
        public string Text { get; set; } = "";
        [VectorType]
        public float[] Series { get; set; } = Array.Empty<float>();
        public float Value { get; set; }
        public bool Flag { get; set; }
    }

    private static readonly MLContext Ml = new(seed: 1);

    private static IDataView Load(params Row[] rows) => Ml.Data.LoadFromEnumerable(rows);

    [Fact]
    public void Text_tokens_are_read_per_row_and_empty_text_gives_an_empty_array()
    {
        IDataView data = Load(new Row { Text = "the cat sat" }, new Row { Text = "" }, new Row { Text = "dogs" });
        IDataView tokens = Ml.Transforms.Text.TokenizeIntoWords("Tokens", "Text").Fit(data).Transform(data);
        List<string[]> rows = DataViewSequenceReader.ReadTextTokens(tokens, "Tokens");
        Assert.Equal(new[] { "the", "cat", "sat" }, rows[0]);
        Assert.Empty(rows[1]);
        Assert.Equal(new[] { "dogs" }, rows[2]);
    }

    [Fact]
    public void Key_tokens_and_key_labels_are_read_as_ids()
    {
        IDataView data = Load(new Row { Text = "a b a" }, new Row { Text = "b" });
        IDataView keyed = Ml.Transforms.Text.TokenizeIntoWords("Tokens", "Text")
            .Append(Ml.Transforms.Conversion.MapValueToKey("Keys", "Tokens"))
            .Append(Ml.Transforms.Conversion.MapValueToKey("Label", "Text"))
            .Fit(data).Transform(data);
        var (rows, keyCount) = DataViewSequenceReader.ReadKeyTokens(keyed, "Keys");
        Assert.Equal(2UL, keyCount);
        Assert.Equal(new uint[] { 1, 2, 1 }, rows[0]);
        var (classes, classCount) = DataViewSequenceReader.ReadKeyLabels(keyed, "Label");
        Assert.Equal(new long[] { 0, 1 }, classes);
        Assert.Equal(2UL, classCount);
    }

    [Fact]
    public void Wrong_column_types_name_the_column_and_the_expected_type()
    {
        IDataView data = Load(new Row { Text = "x", Series = new[] { 1f } });
        var missing = Assert.Throws<ArgumentOutOfRangeException>(() => DataViewSequenceReader.ReadTextTokens(data, "Nope"));
        Assert.Contains("'Nope'", missing.Message);
        var text = Assert.Throws<ArgumentOutOfRangeException>(() => DataViewSequenceReader.ReadTextTokens(data, "Text"));
        Assert.Contains("tokens column 'Text'", text.Message);
        Assert.Contains("vector of Text", text.Message);
        var label = Assert.Throws<ArgumentOutOfRangeException>(() => DataViewSequenceReader.ReadBooleanLabels(data, "Value"));
        Assert.Contains("expected Boolean", label.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => DataViewSequenceReader.ReadFrames(data, "Text", 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => DataViewSequenceReader.ReadKeyLabels(data, "Value"));
    }

    [Fact]
    public void Bad_values_name_the_column_and_the_row()
    {
        IDataView nan = Load(new Row { Series = new[] { 1f, 2f } }, new Row { Series = new[] { 1f, float.NaN } });
        var ex = Assert.Throws<InvalidOperationException>(() => DataViewSequenceReader.ReadFrames(nan, "Series", 1));
        Assert.Contains("Column 'Series', row 1", ex.Message);
        Assert.Contains("NaN", ex.Message);

        IDataView odd = Load(new Row { Series = new[] { 1f, 2f, 3f } });
        Assert.Contains("multiple of the frame size 2", Assert.Throws<InvalidOperationException>(() => DataViewSequenceReader.ReadFrames(odd, "Series", 2)).Message);

        IDataView empty = Ml.Data.LoadFromEnumerable(new[] { new VarRow { Series = new[] { 1f } }, new VarRow { Series = Array.Empty<float>() } });
        Assert.Contains("row 1: the sequence is empty", Assert.Throws<InvalidOperationException>(() => DataViewSequenceReader.ReadFrames(empty, "Series", 1)).Message);

        IDataView labels = Load(new Row { Value = 1 }, new Row { Value = 2 }, new Row { Value = float.PositiveInfinity });
        Assert.Contains("row 2", Assert.Throws<InvalidOperationException>(() => DataViewSequenceReader.ReadFloatLabels(labels, "Value")).Message);
    }

    private sealed class VarRow
    {
        [VectorType]
        public float[] Series { get; set; } = Array.Empty<float>();
    }

    [Fact]
    public void Unseen_key_label_is_reported_with_its_row()
    {
        IDataView train = Load(new Row { Text = "pos" }, new Row { Text = "neg" });
        var mapper = Ml.Transforms.Conversion.MapValueToKey("Label", "Text").Fit(train);
        IDataView test = mapper.Transform(Load(new Row { Text = "pos" }, new Row { Text = "other" }));
        var ex = Assert.Throws<InvalidOperationException>(() => DataViewSequenceReader.ReadKeyLabels(test, "Label"));
        Assert.Contains("Column 'Label', row 1", ex.Message);
    }
}
