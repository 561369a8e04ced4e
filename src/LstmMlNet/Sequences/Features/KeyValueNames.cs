using Microsoft.ML;
using Microsoft.ML.Data;

namespace LstmMlNet.Data;

/// <summary>The text of each key of a key-typed column (scalar or vector): key k (1-based) at index k − 1, from the
/// column's KeyValues annotation when it is text, or the key number itself otherwise.</summary>
internal static class KeyValueNames
{
    public static string[] Of(DataViewSchema.Column column)
    {
        var key = (KeyDataViewType)(column.Type is VectorDataViewType vector ? vector.ItemType : column.Type);
        if (column.Annotations.Schema.GetColumnOrNull("KeyValues")?.Type is VectorDataViewType { ItemType: TextDataViewType })
        {
            VBuffer<ReadOnlyMemory<char>> values = default;
            column.GetKeyValues(ref values);
            return values.DenseValues().Select(v => v.ToString()).ToArray();
        }
        return Enumerable.Range(1, checked((int)key.Count)).Select(k => k.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    }
}
