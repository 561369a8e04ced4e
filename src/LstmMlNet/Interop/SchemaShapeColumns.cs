using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LstmMlNet.Interop;

/// <summary>Creates <see cref="SchemaShape.Column"/> values for GetOutputSchema. ML.NET keeps that constructor
/// internal (its own estimators reach it as a friend assembly), so it is called by reflection here, found once;
/// <c>MlNetInteropTests</c> calls it directly, so an ML.NET upgrade that changes it fails loudly, naming it.</summary>
internal static class SchemaShapeColumns
{
    /// <summary>The member this bridge reaches, as its error names it.</summary>
    public const string Member = "SchemaShape.Column..ctor(String, VectorKind, DataViewType, Boolean, SchemaShape)";

    private static readonly Lazy<ConstructorInfo> Constructor = new(Find);

    /// <summary>A scalar column of <paramref name="type"/>, with <paramref name="annotations"/> if given.</summary>
    public static SchemaShape.Column Scalar(string name, DataViewType type, SchemaShape? annotations = null) =>
        Create(name, SchemaShape.Column.VectorKind.Scalar, type, false, annotations);

    /// <summary>A vector column of <paramref name="itemType"/> of a size known from the schema (ML.NET's VectorKind.Vector),
    /// with <paramref name="annotations"/> if given.</summary>
    public static SchemaShape.Column Vector(string name, DataViewType itemType, SchemaShape? annotations = null) =>
        Create(name, SchemaShape.Column.VectorKind.Vector, itemType, false, annotations);

    /// <summary>The annotations ML.NET's prediction transformers put on a trainer's output columns (what its own trainers
    /// promise in GetOutputSchema): ScoreColumnSetId (a UInt32 key), ScoreColumnKind and ScoreValueKind (text), and
    /// IsNormalized (Boolean) on a normalized output such as a probability; for a multiclass score also the label's
    /// classes, as TrainingLabelValues (the label's key-value type) and, for text classes, SlotNames. The names are those of
    /// ML.NET's internal AnnotationUtils.Kinds.</summary>
    public static SchemaShape TrainerOutputAnnotations(bool normalized = false, SchemaShape.Column? multiclassLabel = null)
    {
        var columns = new List<SchemaShape.Column>
        {
            Key("ScoreColumnSetId", null),
            Scalar("ScoreColumnKind", TextDataViewType.Instance),
            Scalar("ScoreValueKind", TextDataViewType.Instance),
        };
        if (normalized) columns.Add(Scalar("IsNormalized", BooleanDataViewType.Instance));
        if (multiclassLabel is { IsKey: true } label && TryFind(label.Annotations, "KeyValues", out SchemaShape.Column values)
            && values.Kind == SchemaShape.Column.VectorKind.Vector)
        {
            if (values.ItemType is TextDataViewType) columns.Add(Vector("SlotNames", TextDataViewType.Instance));
            columns.Add(Vector("TrainingLabelValues", values.ItemType));
        }
        return new SchemaShape(columns);
    }

    /// <summary>A scalar UInt32 key column carrying <paramref name="annotations"/>.</summary>
    public static SchemaShape.Column Key(string name, SchemaShape? annotations) => Create(name, SchemaShape.Column.VectorKind.Scalar, NumberDataViewType.UInt32, true, annotations);

    private static SchemaShape.Column Create(string name, SchemaShape.Column.VectorKind kind, DataViewType itemType, bool isKey, SchemaShape? annotations) =>
        (SchemaShape.Column)Constructor.Value.Invoke(new object?[] { name, kind, itemType, isKey, annotations });

    private static ConstructorInfo Find() =>
        typeof(SchemaShape.Column).GetConstructor(BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.Instance, null,
            new[] { typeof(string), typeof(SchemaShape.Column.VectorKind), typeof(DataViewType), typeof(bool), typeof(SchemaShape) }, null)
        ?? throw MlNetMemberMissing.Error(Member, "declare the output columns of GetOutputSchema");

    /// <summary>The column named <paramref name="name"/> of a schema shape, if any.</summary>
    public static bool TryFind(SchemaShape schema, string name, out SchemaShape.Column column)
    {
        foreach (SchemaShape.Column c in schema)
        {
            if (c.Name == name)
            {
                column = c;
                return true;
            }
        }
        column = default;
        return false;
    }
}
