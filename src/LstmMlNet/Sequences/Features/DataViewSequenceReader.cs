using Microsoft.ML;
using Microsoft.ML.Data;

namespace LstmMlNet.Data;

/// <summary>
/// Reads IDataView columns once into memory: token vectors (text or key-typed), float vectors cut into frames,
/// and labels (Boolean, key, Single). Bad values raise an exception naming the column and the row.
/// </summary>
internal static class DataViewSequenceReader
{
    /// <summary>A text token vector per row. An empty vector is returned as an empty array; the caller decides.</summary>
    public static List<string[]> ReadTextTokens(IDataView data, string column)
    {
        var col = SchemaErrors.Find(data.Schema, "tokens", column);
        if (!SchemaErrors.IsTextVector(col.Type)) throw SchemaErrors.Mismatch("tokens", column, "a vector of Text (e.g. the output of TokenizeIntoWords)", col.Type);
        var rows = new List<string[]>();
        using var cursor = data.GetRowCursor(new[] { col });
        var getter = cursor.GetGetter<VBuffer<ReadOnlyMemory<char>>>(col);
        VBuffer<ReadOnlyMemory<char>> buffer = default;
        while (cursor.MoveNext())
        {
            getter(ref buffer);
            var values = buffer.DenseValues().Select(m => m.ToString()).ToArray();
            rows.Add(values);
        }
        return rows;
    }

    /// <summary>A key-typed token vector per row, as 1-based key values (0 means missing). Returns the key count too.</summary>
    public static (List<uint[]> Rows, ulong KeyCount) ReadKeyTokens(IDataView data, string column)
    {
        var col = SchemaErrors.Find(data.Schema, "tokens", column);
        if (col.Type is not VectorDataViewType { ItemType: KeyDataViewType key } || key.RawType != typeof(uint))
            throw SchemaErrors.Mismatch("tokens", column, "a vector of Key<UInt32> (e.g. the output of MapValueToKey)", col.Type);
        var rows = new List<uint[]>();
        using var cursor = data.GetRowCursor(new[] { col });
        var getter = cursor.GetGetter<VBuffer<uint>>(col);
        VBuffer<uint> buffer = default;
        while (cursor.MoveNext())
        {
            getter(ref buffer);
            rows.Add(buffer.DenseValues().ToArray());
        }
        return (rows, key.Count);
    }

    /// <summary>A float vector per row, checked: non-empty, a multiple of <paramref name="frameSize"/>, finite.</summary>
    public static List<float[]> ReadFrames(IDataView data, string column, int frameSize)
    {
        if (frameSize <= 0) throw new ArgumentOutOfRangeException(nameof(frameSize), frameSize, "Frame size must be a positive integer.");
        var col = SchemaErrors.Find(data.Schema, "sequence", column);
        if (!SchemaErrors.IsFloatVector(col.Type)) throw SchemaErrors.Mismatch("sequence", column, "a vector of Single", col.Type);
        var rows = new List<float[]>();
        using var cursor = data.GetRowCursor(new[] { col });
        var getter = cursor.GetGetter<VBuffer<float>>(col);
        VBuffer<float> buffer = default;
        while (cursor.MoveNext())
        {
            getter(ref buffer);
            float[] values = buffer.DenseValues().ToArray();
            if (values.Length == 0)
                throw new InvalidOperationException($"Column '{column}', {SchemaErrors.Row(cursor)}: the sequence is empty.");
            if (values.Length % frameSize != 0)
                throw new InvalidOperationException($"Column '{column}', {SchemaErrors.Row(cursor)}: {values.Length} values is not a multiple of the frame size {frameSize}.");
            int bad = Array.FindIndex(values, v => !float.IsFinite(v));
            if (bad >= 0)
                throw new InvalidOperationException($"Column '{column}', {SchemaErrors.Row(cursor)}: value {bad} is {values[bad]}; sequences must be finite.");
            rows.Add(values);
        }
        return rows;
    }

    /// <summary>Boolean labels as 0/1.</summary>
    public static float[] ReadBooleanLabels(IDataView data, string column)
    {
        var col = SchemaErrors.Find(data.Schema, "label", column);
        if (col.Type is not BooleanDataViewType) throw SchemaErrors.Mismatch("label", column, "Boolean", col.Type);
        var labels = new List<float>();
        using var cursor = data.GetRowCursor(new[] { col });
        var getter = cursor.GetGetter<bool>(col);
        bool value = default;
        while (cursor.MoveNext())
        {
            getter(ref value);
            labels.Add(value ? 1f : 0f);
        }
        return labels.ToArray();
    }

    /// <summary>Key labels as 0-based class indices; a missing key (0) is an error naming the row.</summary>
    public static (long[] Classes, ulong ClassCount) ReadKeyLabels(IDataView data, string column)
    {
        var col = SchemaErrors.Find(data.Schema, "label", column);
        if (col.Type is not KeyDataViewType key || key.RawType != typeof(uint))
            throw SchemaErrors.Mismatch("label", column, "Key<UInt32> (e.g. the output of MapValueToKey)", col.Type);
        var classes = new List<long>();
        using var cursor = data.GetRowCursor(new[] { col });
        var getter = cursor.GetGetter<uint>(col);
        uint value = default;
        while (cursor.MoveNext())
        {
            getter(ref value);
            if (value == 0)
                throw new InvalidOperationException($"Column '{column}', {SchemaErrors.Row(cursor)}: the label is missing (a value not in the key map).");
            classes.Add(value - 1);
        }
        return (classes.ToArray(), key.Count);
    }

    /// <summary>Single labels; NaN or infinity is an error naming the row.</summary>
    public static float[] ReadFloatLabels(IDataView data, string column)
    {
        var col = SchemaErrors.Find(data.Schema, "label", column);
        if (col.Type != NumberDataViewType.Single) throw SchemaErrors.Mismatch("label", column, "Single", col.Type);
        var labels = new List<float>();
        using var cursor = data.GetRowCursor(new[] { col });
        var getter = cursor.GetGetter<float>(col);
        float value = default;
        while (cursor.MoveNext())
        {
            getter(ref value);
            if (!float.IsFinite(value))
                throw new InvalidOperationException($"Column '{column}', {SchemaErrors.Row(cursor)}: the label is {value}; labels must be finite.");
            labels.Add(value);
        }
        return labels.ToArray();
    }
}
