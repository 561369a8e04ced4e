using System.Globalization;
using System.IO.Compression;
using LstmMlNet.Data;
using LstmMlNet.Forecasting;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LstmMlNet;

/// <summary>
/// Forecasts every series of a fitted <c>ForecastByLstm</c> model from where each series ends, in batched ONNX Runtime
/// calls, at any confidence levels and quantiles; moves series forward with new observations (<see cref="Update"/>);
/// saves and loads with every series' end state (<see cref="Save(MLContext, string)"/>, <see cref="Load(MLContext, string)"/>).
/// The panel counterpart of ML.NET's time-series engine: <c>model.CreateForecaster()</c> after Fit, or
/// <see cref="Load(MLContext, string)"/> in a scoring app (which then needs Microsoft.ML, Microsoft.ML.OnnxTransformer and
/// ONNX Runtime, not TorchSharp).
/// <para>Thread-safe: any number of threads may call <see cref="Forecast"/> at once (they share one ONNX Runtime session,
/// whose <c>Run</c> is safe for concurrent use); <see cref="Update"/>, <see cref="Save(MLContext, string)"/> and
/// <see cref="Dispose"/> wait for them and run alone. There is no PredictionEngine to dispose, so no dispose pattern can
/// break the shared model.</para>
/// <para>Bounds: at the fit's <see cref="ConfidenceLevel"/> a series' half-widths are its adaptive ones (Fit's
/// split-conformal half-widths, moved by <see cref="Update"/> when the model's interval method is adaptive, exactly as
/// the forecast engine moves them); at any other level they are Fit's split-conformal half-widths for that level (the
/// ⌈(n + 1)·level⌉-th smallest of the n validation errors per step), times the series' adaptive factor at the fit's level
/// (1 until <see cref="Update"/> moves it). A quantile τ is a bound of the symmetric interval of level |2τ − 1| (the
/// lower for τ &lt; 0.5, the upper for τ &gt; 0.5; the forecast for 0.5).</para>
/// </summary>
public sealed class LstmForecaster : IDisposable
{
    /// <summary>Name of the horizon-step column of <see cref="Forecast"/>'s output: 1 for the first step after the series' end.</summary>
    public const string StepColumnName = "Step";

    private readonly ForecasterSpec spec;
    private readonly byte[] onnx;
    private readonly Dictionary<string, SeriesEnd> ends;
    private readonly List<string> order;
    private readonly HashSet<string> known; // the series ids: fixed at construction, read without the lock
    private readonly ConformalScores? scores;
    private readonly ForecastScorer scorer;
    private readonly ReaderWriterLockSlim gate = new(LockRecursionPolicy.NoRecursion);
    private bool disposed;

    internal LstmForecaster(ForecasterSpec spec, byte[] onnx, IEnumerable<SeriesEnd> ends)
    {
        this.spec = spec;
        this.onnx = onnx;
        this.ends = new Dictionary<string, SeriesEnd>(StringComparer.Ordinal);
        order = new List<string>();
        foreach (SeriesEnd end in ends)
        {
            this.ends.Add(end.Id, end);
            order.Add(end.Id);
        }
        known = new HashSet<string>(order, StringComparer.Ordinal);
        scores = spec.Scores is null ? null : ConformalScores.FromForm(spec.Scores, spec.Engine.Horizon);
        scorer = ForecastScorer.For(onnx, spec.Engine);
    }

    private ForecastEngineSpec Engine => spec.Engine;

    /// <summary>Steps forecast at once, h.</summary>
    public int Horizon => Engine.Horizon;

    /// <summary>Observations per window, W.</summary>
    public int WindowSize => Engine.WindowSize;

    /// <summary>The confidence level the model was fitted with (the bounds of <see cref="Forecast"/> when no level is asked for).</summary>
    public float ConfidenceLevel => Engine.ConfidenceLevel;

    /// <summary>The highest confidence level Fit's validation errors support (n/(n + 1) for n validation windows), or the
    /// fit's level when the model holds no calibration scores.</summary>
    public double MaximumConfidenceLevel => scores?.MaximumLevel ?? ConfidenceLevel;

    /// <summary>Ids of the series, in the order of the training data ("" for a model without a series-id column).</summary>
    public IReadOnlyList<string> SeriesIds
    {
        get
        {
            gate.EnterReadLock();
            try
            {
                return order.ToArray();
            }
            finally
            {
                gate.ExitReadLock();
            }
        }
    }

    /// <summary>The series-id column of the model's data and of <see cref="Forecast"/>'s output, or null for one series.</summary>
    public string? SeriesIdColumnName => spec.SeriesIdColumnName;

    /// <summary>Time of a series' last observation, or null when the model's data had no timestamp column.</summary>
    public DateTime? LastTime(string seriesId)
    {
        gate.EnterReadLock();
        try
        {
            SeriesEnd end = Find(seriesId);
            return end.State.LastTime >= 0 ? new DateTime(end.State.LastTime) : null;
        }
        finally
        {
            gate.ExitReadLock();
        }
    }

    /// <summary>
    /// Forecasts the next h steps of every series (or of <paramref name="seriesIds"/>, or of the series in
    /// <paramref name="future"/>) from where each ends, in batched calls. Returns one row per series and step: the series id
    /// (when the model has a series-id column), <see cref="StepColumnName"/> (1 … h), the step's time (the model's timestamp
    /// column, when it has one: the future rows' times, or the last time plus k steps), the forecast (the model's output
    /// column), and per level the lower and upper bound (the model's bound columns when <paramref name="levels"/> is null;
    /// else "&lt;lower column&gt;_&lt;percent&gt;" and "&lt;upper column&gt;_&lt;percent&gt;", e.g. LowerBound_80), and per
    /// quantile τ a column "&lt;output column&gt;_Q&lt;percent&gt;" (e.g. Forecast_Q10). Read it with
    /// <c>ml.Data.CreateEnumerable&lt;T&gt;</c>.
    /// </summary>
    /// <param name="future">For a model with covariates (required) or calendar inputs (optional): the next h rows of each
    /// series to forecast (series id, timestamp and covariate columns; the series and past-covariate columns are not read),
    /// in time order. Rows after a series' first h are ignored.</param>
    /// <param name="levels">Confidence levels in (0, 1), up to <see cref="MaximumConfidenceLevel"/>; null = the fit's.</param>
    /// <param name="quantiles">Quantile levels τ in (0, 1); null = none.</param>
    /// <param name="seriesIds">The series to forecast; null = every series (or those in <paramref name="future"/>).</param>
    /// <exception cref="ArgumentException">An unknown series, a level or quantile outside the supported range, a model with
    /// covariates and no <paramref name="future"/>, or future rows that are too few, not after the series' end, or hold a
    /// non-finite covariate (the message names the series, row and column).</exception>
    public IDataView Forecast(IDataView? future = null, IReadOnlyList<float>? levels = null, IReadOnlyList<float>? quantiles = null, IEnumerable<string>? seriesIds = null)
    {
        float[] asked = CheckLevels(levels);
        float[] taus = CheckQuantiles(quantiles);
        int h = Horizon, w = WindowSize, c = Engine.CovariateColumnNames.Length, cp = Engine.PastCovariateColumnNames.Length;
        Dictionary<string, (float[] Covariates, long[] Times)>? futureRows = future is null ? null : ReadFuture(future);
        if (c > 0 && futureRows is null)
            throw new ArgumentException($"This model reads covariates ({string.Join(", ", Engine.CovariateColumnNames)}): pass the next {h} rows of each series as future.", nameof(future));
        ForecastBatch batch;
        string[] ids;
        long[][] stepTimes;
        float[][] adaptive; // per series: its fit-level half-widths now
        gate.EnterReadLock();
        try
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            ids = seriesIds?.ToArray() ?? (futureRows is null ? order.ToArray() : order.Where(futureRows.ContainsKey).ToArray());
            foreach (string id in ids) Find(id);
            if (futureRows is not null && ids.FirstOrDefault(id => !futureRows.ContainsKey(id)) is { } absent)
                throw new ArgumentException($"future holds no rows of series '{absent}'.", nameof(future));
            batch = scorer.NewBatch(ids.Length);
            stepTimes = new long[ids.Length][];
            adaptive = new float[ids.Length][];
            for (int i = 0; i < ids.Length; i++)
            {
                SeriesEnd end = ends[ids[i]];
                SeriesState state = end.State;
                state.Values.CopyTo(batch.Windows, i * w);
                long[]? given = futureRows?[ids[i]].Times;
                if (given is not null && given.Length > 0 && state.LastTime >= 0 && given[0] <= state.LastTime)
                    throw new ArgumentException($"future's first row of series '{ids[i]}' is at {new DateTime(given[0]):O}, not after the series' last observation ({new DateTime(state.LastTime):O}).", nameof(future));
                if (c > 0)
                {
                    state.Covariates.CopyTo(batch.Covariates, i * (w + h) * c);
                    futureRows![ids[i]].Covariates.CopyTo(batch.Covariates, (i * (w + h) + w) * c);
                }
                if (cp > 0) state.PastCovariates.CopyTo(batch.PastCovariates, i * w * cp);
                stepTimes[i] = given is { Length: > 0 } ? given
                    : state.LastTime >= 0 && Engine.StepTicks > 0 ? LstmForecastingTransformer.Times(new[] { state.LastTime }, 1, h, Engine.StepTicks)
                    : Array.Empty<long>();
                if (Engine.HasTimestamps) state.Timestamps.Concat(stepTimes[i]).ToArray().CopyTo(batch.Timestamps, i * (w + h));
                adaptive[i] = (float[])end.Bounds.Quantiles.Clone();
            }
            scorer.Score(batch); // under the read lock: Dispose waits for it
        }
        finally
        {
            gate.ExitReadLock();
        }
        return Table(ids, stepTimes, batch, adaptive, levels is null ? null : asked, taus);
    }

    /// <summary>The output rows of <see cref="Forecast"/>.</summary>
    private ColumnsView Table(string[] ids, long[][] stepTimes, ForecastBatch batch, float[][] adaptive, float[]? levels, float[] taus)
    {
        int h = Horizon, n = ids.Length * h;
        var columns = new List<(string, Array)>();
        if (spec.SeriesIdColumnName is { } idName) columns.Add((idName, Enumerable.Range(0, n).Select(r => ids[r / h]).ToArray()));
        columns.Add((StepColumnName, Enumerable.Range(0, n).Select(r => r % h + 1).ToArray()));
        if (spec.TimestampColumnName is { } timeName && stepTimes.All(t => t.Length >= h))
            columns.Add((timeName, Enumerable.Range(0, n).Select(r => new DateTime(stepTimes[r / h][r % h])).ToArray()));
        columns.Add((Engine.OutputColumnName, batch.Forecast[..n]));
        foreach (float level in levels ?? new[] { ConfidenceLevel })
        {
            var lower = new float[n];
            var upper = new float[n];
            for (int i = 0; i < ids.Length; i++)
            {
                var (lo, up) = BoundsAt(level, batch, i, adaptive[i]);
                lo.CopyTo(lower, i * h);
                up.CopyTo(upper, i * h);
            }
            string suffix = levels is null ? string.Empty : "_" + Percent(level);
            columns.Add((Engine.LowerColumnName + suffix, lower));
            columns.Add((Engine.UpperColumnName + suffix, upper));
        }
        foreach (float tau in taus)
        {
            var values = new float[n];
            var (level, side) = ConformalScores.ForQuantile(tau);
            for (int i = 0; i < ids.Length; i++)
            {
                float[] v = side == 0 ? batch.Forecast.AsSpan(i * h, h).ToArray() : side < 0 ? BoundsAt((float)level, batch, i, adaptive[i]).Lower : BoundsAt((float)level, batch, i, adaptive[i]).Upper;
                v.CopyTo(values, i * h);
            }
            columns.Add(($"{Engine.OutputColumnName}_Q{Percent(tau)}", values));
        }
        return new ColumnsView(columns);
    }

    /// <summary>Window i's bounds at <paramref name="level"/>: at the fit's level the series' adaptive half-widths (the
    /// graph's own bounds under split-conformal intervals), else Fit's half-widths at that level times the series' adaptive
    /// factor.</summary>
    private (float[] Lower, float[] Upper) BoundsAt(float level, ForecastBatch batch, int i, float[] adaptive)
    {
        int h = Horizon;
        ReadOnlySpan<float> forecast = batch.Forecast.AsSpan(i * h, h);
        float sigma = batch.IntervalScale[i];
        if (level == ConfidenceLevel)
        {
            if (Engine.IntervalMethod != ForecastIntervalMethod.Adaptive) return (batch.Lower.AsSpan(i * h, h).ToArray(), batch.Upper.AsSpan(i * h, h).ToArray());
            return ConformalBounds.Bounds(forecast, sigma, adaptive, Engine.TargetTransform);
        }
        float[] q = scores!.HalfWidths(level);
        float[] fit = FloorFitHalfWidths();
        for (int k = 0; k < h; k++) q[k] *= adaptive[k] / fit[k];
        return ConformalBounds.Bounds(forecast, sigma, q, Engine.TargetTransform);
    }

    /// <summary>Fit's half-widths as adaptive bounds start from them (floored, <see cref="AdaptiveBounds"/>): the
    /// denominator of a series' adaptive factor.</summary>
    private float[] FloorFitHalfWidths() => new AdaptiveBounds(spec.FitHalfWidths, ConfidenceLevel, Engine.IntervalAdaptationRate).Quantiles;

    private float[] CheckLevels(IReadOnlyList<float>? levels)
    {
        if (levels is null) return new[] { ConfidenceLevel };
        if (levels.Count == 0) throw new ArgumentException("Ask for at least one level, or pass null for the fit's.", nameof(levels));
        foreach (float level in levels)
        {
            if (!(level > 0f && level < 1f)) throw new ArgumentOutOfRangeException(nameof(levels), level, "A confidence level lies in (0, 1).");
            if (level == ConfidenceLevel) continue;
            if (scores is null)
                throw new ArgumentException($"This model holds no calibration scores (saved by an earlier version): only its fit level {ConfidenceLevel} can be asked for.", nameof(levels));
            if (!scores.Supports(level))
                throw new ArgumentOutOfRangeException(nameof(levels), level, $"Fit calibrated on {scores.Count} validation windows, which support levels up to {scores.MaximumLevel:G4}; lengthen ValidationTailLength for higher levels.");
        }
        if (levels.Select(Percent).Distinct().Count() != levels.Count) throw new ArgumentException("Each level once (levels are named by their percent, to two decimals).", nameof(levels));
        return levels.ToArray();
    }

    private float[] CheckQuantiles(IReadOnlyList<float>? quantiles)
    {
        if (quantiles is null) return Array.Empty<float>();
        foreach (float tau in quantiles)
        {
            if (!(tau > 0f && tau < 1f)) throw new ArgumentOutOfRangeException(nameof(quantiles), tau, "A quantile level τ lies in (0, 1).");
            var (level, _) = ConformalScores.ForQuantile(tau);
            if (tau != 0.5f && (float)level != ConfidenceLevel && scores?.Supports(level) != true)
                throw new ArgumentOutOfRangeException(nameof(quantiles), tau, $"Quantile {tau} needs the interval of level {level:G4}, which this model's calibration does not support (up to {MaximumConfidenceLevel:G4}).");
        }
        if (quantiles.Select(Percent).Distinct().Count() != quantiles.Count) throw new ArgumentException("Each quantile once (quantiles are named by their percent, to two decimals).", nameof(quantiles));
        return quantiles.ToArray();
    }

    private static string Percent(float level) => (level * 100.0).ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>Future rows per series: (W + h)·C would need only the h future steps' covariates (h·C) and their times.</summary>
    private Dictionary<string, (float[] Covariates, long[] Times)> ReadFuture(IDataView future)
    {
        ArgumentNullException.ThrowIfNull(future);
        int h = Horizon, c = Engine.CovariateColumnNames.Length;
        var schema = future.Schema;
        var columns = new List<DataViewSchema.Column>();
        DataViewSchema.Column? idColumn = spec.SeriesIdColumnName is { } idName ? SchemaErrors.Find(schema, "series id", idName) : null;
        if (idColumn is { } ic) columns.Add(ic);
        var covariateColumns = Engine.CovariateColumnNames.Select(name =>
        {
            var column = SchemaErrors.Find(schema, "covariate", name);
            if (column.Type != NumberDataViewType.Single) throw SchemaErrors.Mismatch("covariate", name, "Single (one value per row)", column.Type);
            return column;
        }).ToArray();
        columns.AddRange(covariateColumns);
        DataViewSchema.Column? timeColumn = null;
        if (spec.TimestampColumnName is { } timeName && (Engine.HasTimestamps || schema.GetColumnOrNull(timeName) is not null))
        {
            timeColumn = SchemaErrors.Find(schema, "timestamp", timeName);
            if (timeColumn.Value.Type is not DateTimeDataViewType) throw SchemaErrors.Mismatch("timestamp", timeName, "DateTime", timeColumn.Value.Type);
            columns.Add(timeColumn.Value);
        }
        var rows = new Dictionary<string, (List<float> Covariates, List<long> Times)>(StringComparer.Ordinal);
        using DataViewRowCursor cursor = future.GetRowCursor(columns);
        var idGetter = idColumn is { } idc ? SeriesTable.IdGetter(cursor, idc) : () => string.Empty;
        var getters = covariateColumns.Select(col => cursor.GetGetter<float>(col)).ToArray();
        ValueGetter<DateTime>? time = timeColumn is { } tc ? cursor.GetGetter<DateTime>(tc) : null;
        while (cursor.MoveNext())
        {
            string id = idGetter();
            if (!known.Contains(id)) throw new ArgumentException($"future's series id '{id}' at {SchemaErrors.Row(cursor)} is not a series of this model.", nameof(future));
            if (!rows.TryGetValue(id, out var r)) rows.Add(id, r = (new List<float>(), new List<long>()));
            if (r.Times.Count >= h && (time is not null || r.Covariates.Count >= h * c)) continue;
            for (int k = 0; k < c; k++)
            {
                float v = 0;
                getters[k](ref v);
                if (!SeriesValueRange.Accepts(v))
                    throw new ArgumentException($"future's covariate column '{Engine.CovariateColumnNames[k]}' at {SchemaErrors.Row(cursor)} (series '{id}'): {(float.IsFinite(v) ? SeriesValueRange.Reason(v) : $"{v}; covariates must be finite")}.", nameof(future));
                r.Covariates.Add(v);
            }
            if (time is not null)
            {
                DateTime t = default;
                time(ref t);
                if (r.Times.Count > 0 && t.Ticks <= r.Times[^1])
                    throw new ArgumentException($"future's timestamp column '{spec.TimestampColumnName}' at {SchemaErrors.Row(cursor)} (series '{id}') is {t:O}, not after the row before it.", nameof(future));
                r.Times.Add(t.Ticks);
            }
            else
            {
                r.Times.Add(0); // counts rows
            }
        }
        var result = new Dictionary<string, (float[], long[])>(StringComparer.Ordinal);
        foreach (var (id, r) in rows)
        {
            if (r.Times.Count < h)
                throw new ArgumentException($"future holds {r.Times.Count} rows of series '{id}'; the model forecasts {h} steps at once and needs {(c > 0 ? "the covariates" : "the times")} of all of them.", nameof(future));
            result.Add(id, (r.Covariates.Take(h * c).ToArray(), time is null ? Array.Empty<long>() : r.Times.Take(h).ToArray()));
        }
        return result;
    }

    /// <summary>
    /// Appends observed rows to their series (in row order per series; series id, series value, covariate, past-covariate
    /// and timestamp columns as the model's data had them): each row moves its series' window one step, as the forecast
    /// engine's <c>Update</c> does — with calendar inputs a gap in time is filled by the model's
    /// <see cref="LstmForecastingOptions.GapFill"/> or throws, and with adaptive bounds each row first scores the forecasts
    /// made before it. Series not in the model throw (a model forecasts only the series it was fitted on). All rows are
    /// checked before any series moves.
    /// </summary>
    /// <exception cref="ArgumentException">A column is missing or of the wrong type, a value is not finite or beyond ±1e30, a
    /// row's time is not after its series' last, or a series is unknown (the message names the row, column and series).</exception>
    public void Update(IDataView observations)
    {
        ArgumentNullException.ThrowIfNull(observations);
        List<Series> read;
        try
        {
            read = SeriesTable.Read(observations, ReadOptions(), 0, regularize: false);
        }
        catch (InvalidOperationException error)
        {
            throw new ArgumentException(error.Message, nameof(observations), error);
        }
        gate.EnterWriteLock();
        try
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            if (read.FirstOrDefault(s => !ends.ContainsKey(s.Id)) is { } unknown)
                throw new ArgumentException($"observations hold series '{unknown.Id}' (first at row {unknown.Rows[0]}), which this model was not fitted on.", nameof(observations));
            // Work on copies, so that a row that fails leaves every series as it was.
            var moved = read.ToDictionary(s => s.Id, s => ends[s.Id].Copy(), StringComparer.Ordinal);
            int c = Engine.CovariateColumnNames.Length, cp = Engine.PastCovariateColumnNames.Length;
            bool adapt = Engine.IntervalMethod == ForecastIntervalMethod.Adaptive;
            foreach (Series s in read)
            {
                SeriesEnd end = moved[s.Id];
                for (int t = 0; t < s.Length; t++)
                {
                    long? time = s.Timestamps.Length > 0 ? s.Timestamps[t] : null;
                    if (time is long at && end.State.LastTime >= 0 && at <= end.State.LastTime)
                        throw new ArgumentException($"observations' timestamp column '{spec.TimestampColumnName}' at row {s.Rows[t]} (series '{s.Id}') is {new DateTime(at):O}, not after the series' last observation ({new DateTime(end.State.LastTime):O}).", nameof(observations));
                    try
                    {
                        SeriesAdvance.Observe(Engine, end.State, adapt ? end.Bounds : null, s.Values[t], s.Covariates[(t * c)..((t + 1) * c)], s.PastCovariates[(t * cp)..((t + 1) * cp)],
                            Engine.HasTimestamps ? time : null, c == 0 ? () => IssueOne(end) : null);
                    }
                    catch (ArgumentException error)
                    {
                        throw new ArgumentException($"observations, row {s.Rows[t]} (series '{s.Id}'): {error.Message}", nameof(observations), error);
                    }
                    if (!Engine.HasTimestamps && time is long stamp) end.State.LastTime = stamp;
                }
            }
            foreach (var (id, end) in moved) ends[id] = end;
        }
        finally
        {
            gate.ExitWriteLock();
        }
    }

    /// <summary>Forecasts <paramref name="end"/>'s current window (a model without covariates) and issues it to its bounds.</summary>
    private void IssueOne(SeriesEnd end)
    {
        ForecastBatch one = scorer.NewBatch(1);
        end.State.Values.CopyTo(one.Windows, 0);
        end.State.PastCovariates.CopyTo(one.PastCovariates, 0);
        if (Engine.HasTimestamps)
            LstmForecastingTransformer.Times(end.State.Timestamps, 0, WindowSize + Horizon, Engine.StepTicks).CopyTo(one.Timestamps, 0);
        scorer.Score(one);
        end.Bounds.IssueBounds(one.Forecast, one.IntervalScale[0], Engine.TargetTransform);
    }

    /// <summary>The reading options of <see cref="Update"/>: the model's columns.</summary>
    private LstmForecastingOptions ReadOptions() => new()
    {
        InputColumnName = Engine.InputColumnName,
        CovariateColumnNames = Engine.CovariateColumnNames,
        PastCovariateColumnNames = Engine.PastCovariateColumnNames,
        TimestampColumnName = spec.TimestampColumnName,
        SeriesIdColumnName = spec.SeriesIdColumnName,
        TargetTransform = Engine.TargetTransform,
    };

    /// <summary>A forecast engine for one series, starting from its end in this forecaster (window and adaptive bounds).</summary>
    /// <typeparam name="TIn">Observation class: the series column and the covariate columns (Single).</typeparam>
    /// <typeparam name="TOut">Forecast class: the forecast and bound columns (float[]).</typeparam>
    /// <param name="ml">The context.</param>
    /// <param name="seriesId">Which series (null when the model has one series).</param>
    public LstmForecastEngine<TIn, TOut> CreateForecastEngine<TIn, TOut>(MLContext ml, string? seriesId = null)
        where TIn : class
        where TOut : class, new()
    {
        ArgumentNullException.ThrowIfNull(ml);
        SeriesEnd end;
        gate.EnterReadLock();
        try
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            string key = seriesId ?? (order.Count == 1 ? order[0] : throw new ArgumentException(
                $"The model holds {order.Count} series; name one with seriesId (one of: {string.Join(", ", order.Take(10))}{(order.Count > 10 ? ", …" : string.Empty)}).", nameof(seriesId)));
            end = Find(key).Copy();
        }
        finally
        {
            gate.ExitReadLock();
        }
        var (scoring, schema) = LstmForecastingTransformer.BuildScoringModel(ml, onnx, Engine);
        return new LstmForecastEngine<TIn, TOut>(ml, scoring, schema, Engine with { SeriesId = end.Id }, end.State, end.Bounds);
    }

    private SeriesEnd Find(string seriesId)
    {
        ArgumentNullException.ThrowIfNull(seriesId);
        return ends.TryGetValue(seriesId, out SeriesEnd? end) ? end
            : throw new ArgumentException($"Series '{seriesId}' is not a series of this model ({ends.Count} series{(ends.Count > 0 ? $", e.g. '{order[0]}'" : string.Empty)}).", nameof(seriesId));
    }

    /// <summary>Writes one file that is both an ML.NET model (<c>ml.Model.Load</c> reads it as the stateless scoring model)
    /// and this forecaster with every series' end (<see cref="Load(MLContext, string)"/>). Atomic: written beside
    /// <paramref name="path"/> and moved over it.</summary>
    public void Save(MLContext ml, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string target = Path.GetFullPath(path);
        string temporary = Path.Combine(Path.GetDirectoryName(target) ?? ".", $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                Save(ml, file);
                file.Flush(flushToDisk: true);
            }
            File.Move(temporary, target, overwrite: true);
        }
        catch
        {
            try
            {
                File.Delete(temporary);
            }
            catch (IOException)
            {
            }
            throw;
        }
    }

    /// <summary>Writes the model and every series' end to <paramref name="stream"/> (see <see cref="Save(MLContext, string)"/>).</summary>
    public void Save(MLContext ml, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(stream);
        var buffer = new MemoryStream();
        var (scoring, schema) = LstmForecastingTransformer.BuildScoringModel(ml, onnx, Engine);
        try
        {
            ml.Model.Save(scoring, schema, buffer);
        }
        finally
        {
            (scoring as IDisposable)?.Dispose();
        }
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Update, leaveOpen: true))
        {
            using Stream entry = zip.CreateEntry(ForecasterState.EntryName, CompressionLevel.Fastest).Open();
            gate.EnterReadLock();
            try
            {
                ObjectDisposedException.ThrowIf(disposed, this);
                ForecasterState.Write(entry, spec, onnx, order.Select(id => ends[id]));
            }
            finally
            {
                gate.ExitReadLock();
            }
        }
        buffer.Position = 0;
        buffer.CopyTo(stream);
    }

    /// <summary>Reads a file written by <see cref="Save(MLContext, string)"/>.</summary>
    /// <exception cref="InvalidDataException">The file holds no forecaster state (an ML.NET model saved with
    /// <c>ml.Model.Save</c> holds only the stateless scoring model), one of another format version, or a damaged one.</exception>
    public static LstmForecaster Load(MLContext ml, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var file = File.OpenRead(path);
        return Load(ml, file, $"'{path}'");
    }

    /// <summary>Reads a forecaster written by <see cref="Save(MLContext, Stream)"/>.</summary>
    public static LstmForecaster Load(MLContext ml, Stream stream) => Load(ml, stream, "the stream");

    private static LstmForecaster Load(MLContext ml, Stream stream, string source)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(stream);
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException error)
        {
            throw new InvalidDataException($"{source} is not a saved model (not a zip file).", error);
        }
        using (zip)
        {
            ZipArchiveEntry entry = zip.GetEntry(ForecasterState.EntryName) ?? throw new InvalidDataException(
                $"{source} holds no forecaster state ({ForecasterState.EntryName}): save with LstmForecaster.Save (ml.Model.Save writes only the stateless scoring model).");
            using Stream state = entry.Open();
            var (spec, onnx, ends) = ForecasterState.Read(state, source);
            LstmModelChecksum.VerifyOnnx(onnx, $"{source}, {ForecasterState.EntryName}");
            return new LstmForecaster(spec, onnx, ends);
        }
    }

    /// <summary>Releases the ONNX Runtime session; later calls throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        gate.EnterWriteLock();
        try
        {
            if (disposed) return;
            disposed = true;
            scorer.Dispose();
        }
        finally
        {
            gate.ExitWriteLock();
        }
    }
}
