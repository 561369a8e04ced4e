using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

// Usage: LstmMlNet.LoadCheck <model.zip> <rows.txt> <tokens|frames|binary-text> <input column> <score column>
// rows.txt: one row per line; tokens separated by spaces, or frame values (invariant culture) separated by
// spaces; an empty line is an empty row. Prints one line per row: the score values, R format, space-separated.
// binary-text: each line is a raw sentence fed through a PredictionEngine into a binary classifier's output
// (Score, Probability, PredictedLabel), printed as "score probability True|False".
if (args.Length != 5)
{
    Console.Error.WriteLine("usage: LstmMlNet.LoadCheck <model.zip> <rows.txt> <tokens|frames> <input column> <score column>");
    return 2;
}
string modelPath = args[0];
string[] lines = File.ReadAllLines(args[1]);
string inputColumn = args[3];
string scoreColumn = args[4];
var ml = new MLContext(seed: 0);
ITransformer model = ml.Model.Load(modelPath, out _);
// Disposing the loaded chain deletes the temporary copy of the ONNX model that ML.NET wrote for it.
using var release = model as IDisposable;
if (args[2] == "binary-text")
{
    var inputSchema = SchemaDefinition.Create(typeof(TextRow));
    inputSchema[nameof(TextRow.Text)].ColumnName = inputColumn;
    var engine = ml.Model.CreatePredictionEngine<TextRow, BinaryPrediction>(model, inputSchemaDefinition: inputSchema);
    foreach (string line in lines)
    {
        BinaryPrediction p = engine.Predict(new TextRow { Text = line });
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{p.Score:R} {p.Probability:R} {p.PredictedLabel}"));
    }
    return 0;
}
bool tokens = args[2] switch
{
    "tokens" => true,
    "frames" => false,
    _ => throw new ArgumentException($"Unknown input kind '{args[2]}'; expected tokens, frames or binary-text."),
};
IDataView data;
if (tokens)
{
    var schema = SchemaDefinition.Create(typeof(TokenRow));
    schema[nameof(TokenRow.Values)].ColumnName = inputColumn;
    data = ml.Data.LoadFromEnumerable(
        lines.Select(l => new TokenRow { Values = l.Split(' ', StringSplitOptions.RemoveEmptyEntries) }), schema);
}
else
{
    var schema = SchemaDefinition.Create(typeof(FrameRow));
    schema[nameof(FrameRow.Values)].ColumnName = inputColumn;
    data = ml.Data.LoadFromEnumerable(
        lines.Select(l => new FrameRow
        {
            Values = l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray(),
        }), schema);
}

foreach (float[] scores in model.Transform(data).GetColumn<float[]>(scoreColumn))
{
    Console.WriteLine(string.Join(" ", scores.Select(s => s.ToString("R", CultureInfo.InvariantCulture))));
}
return 0;

internal sealed class TokenRow
{
    [VectorType]
    public string[] Values { get; set; } = Array.Empty<string>();
}

internal sealed class FrameRow
{
    [VectorType]
    public float[] Values { get; set; } = Array.Empty<float>();
}

internal sealed class TextRow
{
    public string Text { get; set; } = string.Empty;
}

internal sealed class BinaryPrediction
{
    public float Score { get; set; }

    public float Probability { get; set; }

    public bool PredictedLabel { get; set; }
}
