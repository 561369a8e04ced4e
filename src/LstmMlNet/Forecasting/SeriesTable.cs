using LstmMlNet.Data;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LstmMlNet.Forecasting;

/// <summary>One series read from an IDataView: its id, observations in row order, covariates (n·C, step-major) and the
/// data-view row of each observation.</summary>
internal sealed record Series(string Id, float[] Values, float[] Covariates, long[] Rows)
{
    public int Length => Values.Length;
}

/// <summary>Reads the series column, the optional series-id column and the covariate columns in one pass.</summary>
internal static class SeriesTable
{
    /// <summary>Checks the schema: the series and covariate columns must be Single scalars; the id column Text or a number.</summary>
    public static void CheckSchema(DataViewSchema schema, LstmForecastingOptions options)
    {
        CheckSingle(schema, "series", options.InputColumnName);
        foreach (string name in options.CovariateColumnNames) CheckSingle(schema, "covariate", name);
        if (options.SeriesIdColumnName is { } id)
        {
            var column = SchemaErrors.Find(schema, "series id", id);
            if (column.Type is not (TextDataViewType or NumberDataViewType))
                throw SchemaErrors.Mismatch("series id", id, "Text or a number", column.Type);
        }
    }

    private static void CheckSingle(DataViewSchema schema, string role, string name)
    {
        var column = SchemaErrors.Find(schema, role, name);
        if (column.Type != NumberDataViewType.Single) throw SchemaErrors.Mismatch(role, name, "Single (one value per row)", column.Type);
    }

    /// <summary>All series of <paramref name="data"/>, in order of first appearance. A missing (NaN or infinite) series or
    /// covariate value throws naming the row and column.</summary>
    public static List<Series> Read(IDataView data, LstmForecastingOptions options)
    {
        CheckSchema(data.Schema, options);
        var columns = new List<DataViewSchema.Column> { data.Schema[options.InputColumnName] };
        columns.AddRange(options.CovariateColumnNames.Select(n => data.Schema[n]));
        DataViewSchema.Column? idColumn = options.SeriesIdColumnName is { } idName ? data.Schema[idName] : null;
        if (idColumn is { } ic) columns.Add(ic);

        int c = options.CovariateColumnNames.Length;
        var builders = new Dictionary<string, (List<float> Values, List<float> Covariates, List<long> Rows)>(StringComparer.Ordinal);
        var order = new List<string>();
        using DataViewRowCursor cursor = data.GetRowCursor(columns);
        ValueGetter<float> value = cursor.GetGetter<float>(columns[0]);
        var covariateGetters = options.CovariateColumnNames.Select(n => cursor.GetGetter<float>(data.Schema[n])).ToArray();
        Func<string> id = idColumn is { } column ? IdGetter(cursor, column) : () => string.Empty;
        float v = 0;
        while (cursor.MoveNext())
        {
            string key = id();
            if (!builders.TryGetValue(key, out var series))
            {
                series = (new List<float>(), new List<float>(), new List<long>());
                builders.Add(key, series);
                order.Add(key);
            }
            value(ref v);
            if (!float.IsFinite(v))
                throw new InvalidOperationException($"The series column '{options.InputColumnName}' is {v} at {SchemaErrors.Row(cursor)}; fill or drop gaps before forecasting (e.g. ml.Transforms.ReplaceMissingValues).");
            if (!SeriesValueRange.Accepts(v))
                throw new InvalidOperationException($"The series column '{options.InputColumnName}' at {SchemaErrors.Row(cursor)}: {SeriesValueRange.Reason(v)}.");
            if (options.TargetTransform == ForecastTargetTransform.Log1p && v <= -1f)
                throw new InvalidOperationException($"The series column '{options.InputColumnName}' is {v} at {SchemaErrors.Row(cursor)}; the Log1p transform needs values greater than −1.");
            series.Values.Add(v);
            for (int k = 0; k < c; k++)
            {
                float cv = 0;
                covariateGetters[k](ref cv);
                if (!float.IsFinite(cv))
                    throw new InvalidOperationException($"The covariate column '{options.CovariateColumnNames[k]}' is {cv} at {SchemaErrors.Row(cursor)}; covariates must be finite.");
                if (!SeriesValueRange.Accepts(cv))
                    throw new InvalidOperationException($"The covariate column '{options.CovariateColumnNames[k]}' at {SchemaErrors.Row(cursor)}: {SeriesValueRange.Reason(cv)}.");
                series.Covariates.Add(cv);
            }
            series.Rows.Add(cursor.Position);
        }
        return order.Select(k => new Series(k, builders[k].Values.ToArray(), builders[k].Covariates.ToArray(), builders[k].Rows.ToArray())).ToList();
    }

    private static Func<string> IdGetter(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        if (column.Type is TextDataViewType)
        {
            var getter = cursor.GetGetter<ReadOnlyMemory<char>>(column);
            ReadOnlyMemory<char> text = default;
            return () => { getter(ref text); return text.ToString(); };
        }
        Type raw = column.Type.RawType;
        if (raw == typeof(float)) return Number<float>(cursor, column);
        if (raw == typeof(double)) return Number<double>(cursor, column);
        if (raw == typeof(int)) return Number<int>(cursor, column);
        if (raw == typeof(long)) return Number<long>(cursor, column);
        if (raw == typeof(uint)) return Number<uint>(cursor, column);
        if (raw == typeof(short)) return Number<short>(cursor, column);
        if (raw == typeof(byte)) return Number<byte>(cursor, column);
        throw SchemaErrors.Mismatch("series id", column.Name, "Text or a number", column.Type);
    }

    private static Func<string> Number<T>(DataViewRowCursor cursor, DataViewSchema.Column column) where T : IFormattable
    {
        var getter = cursor.GetGetter<T>(column);
        T number = default!;
        return () => { getter(ref number); return number.ToString(null, System.Globalization.CultureInfo.InvariantCulture); };
    }
}
