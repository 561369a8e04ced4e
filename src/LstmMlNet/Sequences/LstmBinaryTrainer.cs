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
/// Binary classification with a recurrent network over a token or numeric sequence column. Label: Boolean.
/// Output columns as ML.NET's binary trainers: <c>Score</c> (Single, the logit), <c>Probability</c> (Single,
/// sigmoid of the score) and <c>PredictedLabel</c> (Boolean, probability &gt; 0.5), so
/// <c>ml.BinaryClassification.Evaluate</c> and <c>CrossValidate</c> work unchanged.
/// </summary>
public sealed class LstmBinaryTrainer : LstmTrainerBase<LstmBinaryTrainer.Options>
{
    /// <summary>Options of <see cref="LstmBinaryTrainer"/>: those of <see cref="LstmClassifierOptions"/> (classifier
    /// defaults and label smoothing) and <see cref="LstmTrainerOptions"/>.</summary>
    public sealed class Options : LstmClassifierOptions
    {
    }

    internal LstmBinaryTrainer(IHostEnvironment context, Options options) : base(context, options, nameof(LstmBinaryTrainer))
    {
    }

    private protected override ITrainingObjective Objective => new BinaryObjective(TrainerOptions.LabelSmoothing);

    private protected override LabelData ReadLabels(IDataView data) =>
        new(null, DataViewSequenceReader.ReadBooleanLabels(data, TrainerOptions.LabelColumnName), 1, null);

    private protected override OnnxExportOptions TaskExportOptions(string inputName, int maxLength, IReadOnlyDictionary<string, string> metadata) =>
        new(OnnxHead.Sigmoid, inputName, ScoreName: DefaultColumnNames.Probability, LogitName: RawOutputColumn, Metadata: metadata, MaxLength: maxLength);

    private protected override ITransformer PredictionHead(IDataView scored, LabelData labels) => PredictionHeads.Binary(Environment, scored, RawOutputColumn);

    private protected override void CheckLabel(SchemaShape.Column label)
    {
        if (label.Kind != SchemaShape.Column.VectorKind.Scalar || label.ItemType is not BooleanDataViewType)
            throw new ArgumentOutOfRangeException("inputSchema", $"The label column '{label.Name}' has type {label.ItemType}; expected Boolean.");
    }

    private protected override IEnumerable<SchemaShape.Column> OutputColumns(SchemaShape.Column label) => new[]
    {
        SchemaShapeColumns.Scalar(DefaultColumnNames.Score, NumberDataViewType.Single, SchemaShapeColumns.TrainerOutputAnnotations()),
        SchemaShapeColumns.Scalar(DefaultColumnNames.Probability, NumberDataViewType.Single, SchemaShapeColumns.TrainerOutputAnnotations(normalized: true)),
        SchemaShapeColumns.Scalar(DefaultColumnNames.PredictedLabel, BooleanDataViewType.Instance, SchemaShapeColumns.TrainerOutputAnnotations()),
    };
}
