using Microsoft.ML;
using Microsoft.ML.Data;

namespace LstmMlNet.Forecasting;

/// <summary>An IDataView that is its input plus float vector columns whose values were computed for every input row
/// beforehand (indexed by row position). Cursors read the input in order; the new columns are served by position.</summary>
internal sealed class AppendedVectorsView : IDataView
{
    private readonly IDataView input;
    private readonly float[][][] values; // [column][row][slot]

    public AppendedVectorsView(IDataView input, IReadOnlyList<string> names, int size, float[][][] values)
    {
        this.input = input;
        this.values = values;
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(input.Schema.Where(c => !names.Contains(c.Name)).Select(c => new DataViewSchema.DetachedColumn(c)));
        foreach (string name in names) builder.AddColumn(name, new VectorDataViewType(NumberDataViewType.Single, size));
        Schema = builder.ToSchema();
        Names = names;
    }

    private IReadOnlyList<string> Names { get; }

    public bool CanShuffle => false;

    public DataViewSchema Schema { get; }

    public long? GetRowCount() => input.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var needed = columnsNeeded.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var inner = input.GetRowCursor(input.Schema.Where(c => needed.Contains(c.Name) && !Names.Contains(c.Name)));
        return new Cursor(this, inner, needed);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        new[] { GetRowCursor(columnsNeeded, rand) };

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly AppendedVectorsView parent;
        private readonly DataViewRowCursor inner;
        private readonly HashSet<string> needed;

        public Cursor(AppendedVectorsView parent, DataViewRowCursor inner, HashSet<string> needed)
        {
            this.parent = parent;
            this.inner = inner;
            this.needed = needed;
        }

        public override DataViewSchema Schema => parent.Schema;

        public override long Position => inner.Position;

        public override long Batch => inner.Batch;

        public override bool MoveNext() => inner.MoveNext();

        public override ValueGetter<DataViewRowId> GetIdGetter() => inner.GetIdGetter();

        public override bool IsColumnActive(DataViewSchema.Column column) => needed.Contains(column.Name);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            int appended = IndexOf(column.Name);
            if (appended < 0) return inner.GetGetter<TValue>(inner.Schema[column.Name]);
            if (typeof(TValue) != typeof(VBuffer<float>))
                throw new InvalidOperationException($"Column '{column.Name}' holds VBuffer<Single>, not {typeof(TValue).Name}.");
            float[][] rows = parent.values[appended];
            ValueGetter<VBuffer<float>> getter = (ref VBuffer<float> value) =>
            {
                float[] row = rows[inner.Position];
                var editor = VBufferEditor.Create(ref value, row.Length);
                row.AsSpan().CopyTo(editor.Values);
                value = editor.Commit();
            };
            return (ValueGetter<TValue>)(object)getter;
        }

        private int IndexOf(string name)
        {
            for (int k = 0; k < parent.Names.Count; k++)
            {
                if (parent.Names[k] == name) return k;
            }
            return -1;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
