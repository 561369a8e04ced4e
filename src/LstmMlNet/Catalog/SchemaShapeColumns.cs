using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LstmMlNet.Catalog;

/// <summary>Creates <see cref="SchemaShape.Column"/> values for GetOutputSchema. ML.NET keeps that constructor
/// internal (its own estimators reach it as a friend assembly), so it is called by reflection here, once per
/// signature; a test covers it so an ML.NET upgrade that changes it fails loudly.</summary>
internal static class SchemaShapeColumns
{
    private static readonly ConstructorInfo Constructor = typeof(SchemaShape.Column)
        .GetConstructors(BindingFlags.NonPublic | BindingFlags.Instance)
        .Single(c => c.GetParameters().Length == 5);

    public static SchemaShape.Column Scalar(string name, DataViewType type) => Create(name, SchemaShape.Column.VectorKind.Scalar, type, false, null);

    public static SchemaShape.Column Vector(string name, DataViewType itemType) => Create(name, SchemaShape.Column.VectorKind.Vector, itemType, false, null);

    public static SchemaShape.Column Key(string name, SchemaShape? annotations) => Create(name, SchemaShape.Column.VectorKind.Scalar, NumberDataViewType.UInt32, true, annotations);

    private static SchemaShape.Column Create(string name, SchemaShape.Column.VectorKind kind, DataViewType itemType, bool isKey, SchemaShape? annotations) =>
        (SchemaShape.Column)Constructor.Invoke(new object?[] { name, kind, itemType, isKey, annotations });

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
