using Microsoft.ML;
using Microsoft.ML.Data;

namespace LstmMlNet.Forecasting;

/// <summary>An IDataView of the rows of its input whose position passes a predicate, in input order and renumbered
/// from 0. Used to fit on the rows before a backtest origin without copying the data.</summary>
internal sealed class RowSubsetView : IDataView
{
    private readonly IDataView input;
    private readonly Func<long, bool> keep;
    private readonly long count;

    /// <param name="input">The data.</param>
    /// <param name="keep">True for the input row positions to keep.</param>
    /// <param name="count">How many rows <paramref name="keep"/> accepts.</param>
    public RowSubsetView(IDataView input, Func<long, bool> keep, long count)
    {
        this.input = input;
        this.keep = keep;
        this.count = count;
    }

    public bool CanShuffle => false;

    public DataViewSchema Schema => input.Schema;

    public long? GetRowCount() => count;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        new Cursor(input.GetRowCursor(columnsNeeded), keep);

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        new[] { GetRowCursor(columnsNeeded, rand) };

    private sealed class Cursor(DataViewRowCursor inner, Func<long, bool> keep) : DataViewRowCursor
    {
        private long position = -1;

        public override DataViewSchema Schema => inner.Schema;

        public override long Position => position;

        public override long Batch => 0;

        public override bool MoveNext()
        {
            while (inner.MoveNext())
            {
                if (keep(inner.Position))
                {
                    position++;
                    return true;
                }
            }
            return false;
        }

        public override ValueGetter<DataViewRowId> GetIdGetter() => inner.GetIdGetter();

        public override bool IsColumnActive(DataViewSchema.Column column) => inner.IsColumnActive(column);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => inner.GetGetter<TValue>(column);

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
