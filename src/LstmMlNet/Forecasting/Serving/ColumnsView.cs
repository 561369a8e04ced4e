using Microsoft.ML;
using Microsoft.ML.Data;

namespace LstmMlNet.Forecasting;

/// <summary>An in-memory IDataView of scalar columns given as arrays of equal length: Text (string[]), Int32 (int[]),
/// DateTime (DateTime[]) or Single (float[]). The forecaster's long-format output (one row per series and step).</summary>
internal sealed class ColumnsView : IDataView
{
    private readonly Array[] columns;
    private readonly long rows;

    public ColumnsView(IReadOnlyList<(string Name, Array Values)> columns)
    {
        var builder = new DataViewSchema.Builder();
        foreach (var (name, values) in columns)
        {
            builder.AddColumn(name, values switch
            {
                string[] => TextDataViewType.Instance,
                int[] => NumberDataViewType.Int32,
                DateTime[] => DateTimeDataViewType.Instance,
                float[] => NumberDataViewType.Single,
                _ => throw new ArgumentException($"Column '{name}': unsupported array {values.GetType().Name}."),
            });
        }
        Schema = builder.ToSchema();
        this.columns = columns.Select(c => c.Values).ToArray();
        rows = this.columns.Length == 0 ? 0 : this.columns[0].Length;
        if (this.columns.Any(c => c.Length != rows)) throw new ArgumentException("Every column holds the same number of rows.", nameof(columns));
    }

    public bool CanShuffle => false;

    public DataViewSchema Schema { get; }

    public long? GetRowCount() => rows;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        new Cursor(this, columnsNeeded.Select(c => c.Index).ToHashSet());

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        new[] { GetRowCursor(columnsNeeded, rand) };

    private sealed class Cursor(ColumnsView parent, HashSet<int> active) : DataViewRowCursor
    {
        private long position = -1;

        public override DataViewSchema Schema => parent.Schema;

        public override long Position => position;

        public override long Batch => 0;

        public override bool MoveNext()
        {
            if (position + 1 >= parent.rows)
            {
                position = parent.rows;
                return false;
            }
            position++;
            return true;
        }

        public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId id) => id = new DataViewRowId((ulong)position, 0);

        public override bool IsColumnActive(DataViewSchema.Column column) => active.Contains(column.Index);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            Array values = parent.columns[column.Index];
            Delegate getter = values switch
            {
                string[] text when typeof(TValue) == typeof(ReadOnlyMemory<char>) => (ValueGetter<ReadOnlyMemory<char>>)((ref ReadOnlyMemory<char> v) => v = text[position].AsMemory()),
                int[] ints when typeof(TValue) == typeof(int) => (ValueGetter<int>)((ref int v) => v = ints[position]),
                DateTime[] times when typeof(TValue) == typeof(DateTime) => (ValueGetter<DateTime>)((ref DateTime v) => v = times[position]),
                float[] floats when typeof(TValue) == typeof(float) => (ValueGetter<float>)((ref float v) => v = floats[position]),
                _ => throw new InvalidOperationException($"Column '{column.Name}' holds {column.Type}, not {typeof(TValue).Name}."),
            };
            return (ValueGetter<TValue>)getter;
        }
    }
}
