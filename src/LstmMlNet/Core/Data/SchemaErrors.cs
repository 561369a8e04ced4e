using Microsoft.ML;
using Microsoft.ML.Data;

namespace LstmMlNet.Data;

/// <summary>Schema checks whose errors name the role, the column, what was expected and what was found.</summary>
internal static class SchemaErrors
{
    public static ArgumentOutOfRangeException Missing(string role, string column) =>
        new("inputSchema", $"The {role} column '{column}' was not found in the input schema.");

    public static ArgumentOutOfRangeException Mismatch(string role, string column, string expected, DataViewType actual) =>
        new("inputSchema", $"The {role} column '{column}' has type {actual}; expected {expected}.");

    /// <summary>The column named <paramref name="column"/>, or an error naming its role.</summary>
    public static DataViewSchema.Column Find(DataViewSchema schema, string role, string column) =>
        schema.GetColumnOrNull(column) ?? throw Missing(role, column);

    public static bool IsTextVector(DataViewType type) => type is VectorDataViewType { ItemType: TextDataViewType };

    public static bool IsKeyVector(DataViewType type) => type is VectorDataViewType { ItemType: KeyDataViewType };

    public static bool IsFloatVector(DataViewType type) => type is VectorDataViewType v && v.ItemType == NumberDataViewType.Single;

    /// <summary>Row position of a cursor as users count it (0-based).</summary>
    public static string Row(DataViewRowCursor cursor) => $"row {cursor.Position}";
}
