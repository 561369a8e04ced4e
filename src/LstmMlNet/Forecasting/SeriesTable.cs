using LstmMlNet.Data;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LstmMlNet.Forecasting;

/// <summary>Reads the series column, the optional series-id column, the covariate and past-covariate columns and the
/// optional timestamp column in one pass: the one series reader of the forecaster, its backtest and the forecasting
/// comparison.</summary>
internal static class SeriesTable
{
    /// <summary>What a forecasting column must hold.</summary>
    internal enum ColumnKind
    {
        /// <summary>A Single scalar: the series, a covariate, a past covariate.</summary>
        Single,

        /// <summary>A DateTime scalar: the timestamp.</summary>
        DateTime,

        /// <summary>Text or a number: the series id.</summary>
        Id,
    }

    /// <summary>The columns the forecaster reads, with their role (as errors name it) and kind: the one list of the schema
    /// rules, checked on a <see cref="DataViewSchema"/> here and on a <c>SchemaShape</c> by the estimator.</summary>
    public static IEnumerable<(string Role, string Name, ColumnKind Kind)> Columns(LstmForecastingOptions options)
    {
        yield return ("series", options.InputColumnName, ColumnKind.Single);
        foreach (string name in options.CovariateColumnNames) yield return ("covariate", name, ColumnKind.Single);
        foreach (string name in options.PastCovariateColumnNames) yield return ("past covariate", name, ColumnKind.Single);
        if (options.TimestampColumnName is { } time) yield return ("timestamp", time, ColumnKind.DateTime);
        if (options.SeriesIdColumnName is { } id) yield return ("series id", id, ColumnKind.Id);
    }

    /// <summary>Checks the schema against <see cref="Columns"/>: the series and covariate columns must be Single scalars,
    /// the timestamp a DateTime, the id column Text or a number.</summary>
    public static void CheckSchema(DataViewSchema schema, LstmForecastingOptions options)
    {
        foreach (var (role, name, kind) in Columns(options))
        {
            switch (kind)
            {
                case ColumnKind.Single:
                    CheckSingle(schema, role, name);
                    break;
                case ColumnKind.DateTime:
                    var time = SchemaErrors.Find(schema, role, name);
                    if (time.Type is not DateTimeDataViewType) throw SchemaErrors.Mismatch(role, name, "DateTime", time.Type);
                    break;
                default:
                    var id = SchemaErrors.Find(schema, role, name);
                    if (id.Type is not (TextDataViewType or NumberDataViewType)) throw SchemaErrors.Mismatch(role, name, "Text or a number", id.Type);
                    break;
            }
        }
    }

    private static void CheckSingle(DataViewSchema schema, string role, string name)
    {
        var column = SchemaErrors.Find(schema, role, name);
        if (column.Type != NumberDataViewType.Single) throw SchemaErrors.Mismatch(role, name, "Single (one value per row)", column.Type);
    }

    /// <summary>All series of <paramref name="data"/>, in order of first appearance. A missing (NaN or infinite) series or
    /// covariate value throws naming the row and column. With a timestamp column, a repeated time or rows out of time order
    /// throw naming the row, and gaps in time are checked and filled (<see cref="SeriesGaps.Regularize"/>) against
    /// <paramref name="stepTicks"/> (a fitted model's step) or, when 0, the most common difference between rows.</summary>
    /// <param name="data">The rows.</param>
    /// <param name="options">The columns and their rules.</param>
    /// <param name="stepTicks">A fitted model's step, or 0.</param>
    /// <param name="regularize">False: gaps are left as they are (the caller fills them against state it holds).</param>
    public static List<Series> Read(IDataView data, LstmForecastingOptions options, long stepTicks = 0, bool regularize = true)
    {
        CheckSchema(data.Schema, options);
        var columns = new List<DataViewSchema.Column> { data.Schema[options.InputColumnName] };
        columns.AddRange(options.CovariateColumnNames.Select(n => data.Schema[n]));
        columns.AddRange(options.PastCovariateColumnNames.Select(n => data.Schema[n]));
        if (options.TimestampColumnName is { } timeName) columns.Add(data.Schema[timeName]);
        DataViewSchema.Column? idColumn = options.SeriesIdColumnName is { } idName ? data.Schema[idName] : null;
        if (idColumn is { } ic) columns.Add(ic);

        var builders = new Dictionary<string, (List<float> Values, List<float> Covariates, List<long> Rows, List<float> Past, List<long> Times)>(StringComparer.Ordinal);
        var order = new List<string>();
        using DataViewRowCursor cursor = data.GetRowCursor(columns);
        ValueGetter<float> value = cursor.GetGetter<float>(columns[0]);
        var covariateGetters = options.CovariateColumnNames.Select(n => cursor.GetGetter<float>(data.Schema[n])).ToArray();
        var pastGetters = options.PastCovariateColumnNames.Select(n => cursor.GetGetter<float>(data.Schema[n])).ToArray();
        ValueGetter<DateTime>? time = options.TimestampColumnName is { } tn ? cursor.GetGetter<DateTime>(data.Schema[tn]) : null;
        DateTime stamp = default;
        Func<string> id = idColumn is { } column ? IdGetter(cursor, column) : () => string.Empty;
        float v = 0;
        while (cursor.MoveNext())
        {
            string key = id();
            if (!builders.TryGetValue(key, out var series))
            {
                series = (new List<float>(), new List<float>(), new List<long>(), new List<float>(), new List<long>());
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
            ReadCovariates(covariateGetters, options.CovariateColumnNames, "covariate", cursor, series.Covariates);
            ReadCovariates(pastGetters, options.PastCovariateColumnNames, "past covariate", cursor, series.Past);
            if (time is not null)
            {
                time(ref stamp);
                if (series.Times.Count > 0 && stamp.Ticks == series.Times[^1])
                    throw new InvalidOperationException($"The timestamp column '{options.TimestampColumnName}' is {stamp:O} at {SchemaErrors.Row(cursor)}, a duplicate: the series' previous row (row {series.Rows[^1]}) has the same time; each series needs one row per time.");
                if (series.Times.Count > 0 && stamp.Ticks < series.Times[^1])
                    throw new InvalidOperationException($"The timestamp column '{options.TimestampColumnName}' is {stamp:O} at {SchemaErrors.Row(cursor)}, before the series' previous row (row {series.Rows[^1]}, {new DateTime(series.Times[^1]):O}): rows out of time order; sort each series' rows by time.");
                series.Times.Add(stamp.Ticks);
            }
            series.Rows.Add(cursor.Position);
        }
        List<Series> read = order.Select(k =>
        {
            var b = builders[k];
            return new Series(k, b.Values.ToArray(), b.Covariates.ToArray(), b.Rows.ToArray(), b.Past.ToArray(), b.Times.ToArray());
        }).ToList();
        return regularize ? SeriesGaps.Regularize(read, options, stepTicks) : read;
    }

    /// <summary>Reads one row's values of covariate columns, which must be finite and within ±1e30.</summary>
    private static void ReadCovariates(ValueGetter<float>[] getters, string[] names, string role, DataViewRowCursor cursor, List<float> into)
    {
        for (int k = 0; k < getters.Length; k++)
        {
            float value = 0;
            getters[k](ref value);
            if (!float.IsFinite(value))
                throw new InvalidOperationException($"The {role} column '{names[k]}' is {value} at {SchemaErrors.Row(cursor)}; covariates must be finite.");
            if (!SeriesValueRange.Accepts(value))
                throw new InvalidOperationException($"The {role} column '{names[k]}' at {SchemaErrors.Row(cursor)}: {SeriesValueRange.Reason(value)}.");
            into.Add(value);
        }
    }

    /// <summary>Reads the series id of the cursor's row as text (a number in invariant culture).</summary>
    internal static Func<string> IdGetter(DataViewRowCursor cursor, DataViewSchema.Column column)
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

    /// <summary>A series as an error message names it: its id in quotes, or "(the only series)".</summary>
    internal static string Describe(Series s) => s.Id.Length == 0 ? "(the only series)" : $"'{s.Id}'";
}
