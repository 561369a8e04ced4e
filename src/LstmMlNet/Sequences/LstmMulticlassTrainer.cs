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
/// Multiclass classification with a recurrent network over a token or numeric sequence column. Label: a key
/// (e.g. from <c>MapValueToKey</c>). Output columns as ML.NET's multiclass trainers: <c>Score</c> (vector of
/// Single, one softmax probability per class, in key order) and <c>PredictedLabel</c> (a key of the same
/// classes, so <c>MapKeyToValue("PredictedLabel")</c> gives back the label values), for
/// <c>ml.MulticlassClassification.Evaluate</c> and <c>CrossValidate</c>.
/// </summary>
public sealed class LstmMulticlassTrainer : LstmTrainerBase<LstmMulticlassTrainer.Options>
{
    /// <summary>Options of <see cref="LstmMulticlassTrainer"/>: those of <see cref="LstmClassifierOptions"/> (classifier
    /// defaults and label smoothing) and <see cref="LstmTrainerOptions"/>.</summary>
    public sealed class Options : LstmClassifierOptions
    {
    }

    internal LstmMulticlassTrainer(IHostEnvironment context, Options options) : base(context, options, nameof(LstmMulticlassTrainer))
    {
    }

    private protected override ITrainingObjective Objective => new MulticlassObjective(TrainerOptions.LabelSmoothing);

    private protected override LabelData ReadLabels(IDataView data)
    {
        var (classes, count) = DataViewSequenceReader.ReadKeyLabels(data, TrainerOptions.LabelColumnName);
        string[] names = KeyValueNames.Of(data.Schema[TrainerOptions.LabelColumnName]);
        if (count < 2) throw new InvalidOperationException($"The label column '{TrainerOptions.LabelColumnName}' has {count} class; a classifier needs at least 2.");
        return new LabelData(classes, null, checked((int)count), names);
    }

    private protected override LabelData ReadLabels(IDataView data, LabelData training)
    {
        LabelData validation = ReadLabels(data);
        if (validation.Outputs != training.Outputs)
            throw new ArgumentException($"The validation set's label column '{TrainerOptions.LabelColumnName}' has {validation.Outputs} classes; the training data has {training.Outputs}.", "ValidationSet");
        return validation;
    }

    private protected override OnnxExportOptions TaskExportOptions(string inputName, int maxLength, IReadOnlyDictionary<string, string> metadata) =>
        new(OnnxHead.Softmax, inputName, ScoreName: DefaultColumnNames.Score, LogitName: RawOutputColumn, Metadata: metadata, MaxLength: maxLength);

    private protected override ITransformer PredictionHead(IDataView scored, LabelData labels) =>
        PredictionHeads.Multiclass(Environment, scored, RawOutputColumn, TrainerOptions.LabelColumnName, labels.Outputs);

    private protected override void CheckLabel(SchemaShape.Column label)
    {
        if (label.Kind != SchemaShape.Column.VectorKind.Scalar || !label.IsKey)
            throw new ArgumentOutOfRangeException("inputSchema", $"The label column '{label.Name}' has type {label.ItemType}; expected a key (use MapValueToKey).");
    }

    private protected override IEnumerable<SchemaShape.Column> OutputColumns(SchemaShape.Column label) => new[]
    {
        SchemaShapeColumns.Vector(DefaultColumnNames.Score, NumberDataViewType.Single, SchemaShapeColumns.TrainerOutputAnnotations(multiclassLabel: label)),
        SchemaShapeColumns.Key(DefaultColumnNames.PredictedLabel, new SchemaShape(label.Annotations.Concat(SchemaShapeColumns.TrainerOutputAnnotations()))),
    };
}
