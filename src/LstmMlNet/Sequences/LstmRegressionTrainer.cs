using LstmMlNet.Catalog;
using LstmMlNet.Data;
using LstmMlNet.Interop;
using LstmMlNet.Onnx;
using LstmMlNet.Training;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace LstmMlNet;

/// <summary>
/// Regression with a recurrent network over a token or numeric sequence column. Label: Single (finite).
/// Output column as ML.NET's regression trainers: <c>Score</c> (Single), so <c>ml.Regression.Evaluate</c> works.
/// </summary>
public sealed class LstmRegressionTrainer : LstmTrainerBase<LstmRegressionTrainer.Options>
{
    /// <summary>Options of <see cref="LstmRegressionTrainer"/>; see <see cref="LstmTrainerOptions"/>.</summary>
    public sealed class Options : LstmTrainerOptions
    {
    }

    internal LstmRegressionTrainer(IHostEnvironment context, Options options) : base(context, options, nameof(LstmRegressionTrainer))
    {
    }

    private protected override ITrainingObjective Objective { get; } = new RegressionObjective();

    private protected override LabelData ReadLabels(IDataView data) =>
        new(null, DataViewSequenceReader.ReadFloatLabels(data, TrainerOptions.LabelColumnName), 1, null);

    private protected override OnnxExportOptions TaskExportOptions(string inputName, int maxLength, IReadOnlyDictionary<string, string> metadata) =>
        new(OnnxHead.Identity, inputName, ScoreName: RawOutputColumn, Metadata: metadata, MaxLength: maxLength);

    private protected override ITransformer PredictionHead(IDataView scored, LabelData labels) => PredictionHeads.Regression(Environment, scored, RawOutputColumn);

    private protected override void CheckLabel(SchemaShape.Column label)
    {
        if (label.Kind != SchemaShape.Column.VectorKind.Scalar || label.ItemType != NumberDataViewType.Single)
            throw new ArgumentOutOfRangeException("inputSchema", $"The label column '{label.Name}' has type {label.ItemType}; expected Single.");
    }

    private protected override IEnumerable<SchemaShape.Column> OutputColumns(SchemaShape.Column label) => new[]
    {
        SchemaShapeColumns.Scalar(DefaultColumnNames.Score, NumberDataViewType.Single, SchemaShapeColumns.TrainerOutputAnnotations()),
    };
}
