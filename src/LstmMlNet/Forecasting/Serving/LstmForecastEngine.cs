using System.IO.Compression;
using System.Reflection;
using System.Text.Json;
using LstmMlNet.Forecasting;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LstmMlNet;

/// <summary>
/// A stateful forecaster for one series, like ML.NET's TimeSeriesPredictionEngine: it holds the last W observations
/// (and their covariates), forecasts from them with <see cref="Predict()"/>, and moves forward with
/// <see cref="Update"/>. <see cref="CheckPoint"/> writes the scoring model and this state into one file that
/// <see cref="LstmForecastEngine.Load{TIn, TOut}"/> reads back.
/// <para>Bounds: with <see cref="ForecastIntervalMethod.Adaptive"/> (the default) every <see cref="Update"/> scores the
/// forecasts made before the observation (a model without covariates forecasts each origin itself, one scoring call per
/// Update; a model with covariates scores the forecasts of its <c>Predict(future)</c> calls) and moves each step's half-width
/// (<see cref="IntervalHalfWidths"/>), so the coverage of the bounds holds over time when the series drifts; the state is
/// part of the checkpoint.</para>
/// <para>Thread-safe: one lock serialises <c>Predict</c>, <c>Update</c>, <c>CheckPoint</c> and <c>Dispose</c>, because ML.NET's
/// PredictionEngine and the ONNX session's buffers behind it are not safe for concurrent use (two threads at once corrupted
/// native memory). Calls from many threads therefore run one at a time; for parallel throughput give each thread its
/// own engine (<c>CreateForecastEngine</c> or <c>Load</c>). The uncontended lock's cost against a Predict is measured in
/// benchmarks/README.md.</para>
/// </summary>
/// <typeparam name="TIn">Observation class with the series column and the covariate columns (Single, double or int members,
/// matched by column name as ML.NET maps classes).</typeparam>
/// <typeparam name="TOut">Forecast class with float[] members for the forecast and bound columns.</typeparam>
public sealed class LstmForecastEngine<TIn, TOut> : IDisposable
    where TIn : class
    where TOut : class, new()
{
    /// <summary>Checkpoint format written by this version; <see cref="LstmForecastEngine.Load{TIn, TOut}"/> reads only this one
    /// (2: the adaptive bounds' state and the scoring model's interval-scale output).</summary>
    internal const int FormatVersion = 2;

    private readonly MLContext ml;
    private readonly ITransformer scoring;
    private readonly DataViewSchema scoringSchema;
    private readonly ForecastEngineSpec spec;
    private readonly SeriesState state;
    private readonly PredictionEngine<LstmForecastInput, LstmForecastingTransformer.ForecastRow> engine;
    private readonly Func<TIn, float> readValue;
    private readonly Func<TIn, float>[] readCovariates;
    private readonly Func<TIn, float>[] readPastCovariates;
    private readonly Func<TIn, long>? readTime;
    private readonly MemberInfo?[] outputMembers; // forecast, lower, upper members of TOut (null where TOut has none)
    private readonly AdaptiveBounds bounds; // Fit's half-widths, moved by scored forecasts when adapt
    private readonly bool adapt;
    private readonly Lock gate = new();
    private bool disposed;

    internal LstmForecastEngine(MLContext ml, ITransformer scoring, DataViewSchema scoringSchema, ForecastEngineSpec spec, SeriesState state, AdaptiveBounds bounds)
    {
        this.ml = ml;
        this.scoring = scoring;
        this.scoringSchema = scoringSchema;
        this.spec = spec;
        this.state = state;
        this.bounds = bounds ?? throw new ArgumentNullException(nameof(bounds));
        adapt = spec.IntervalMethod == ForecastIntervalMethod.Adaptive;
        var outputs = SchemaDefinition.Create(typeof(TOut), SchemaDefinition.Direction.Write);
        outputMembers = new[] { spec.OutputColumnName, spec.LowerColumnName, spec.UpperColumnName }
            .Select(n => outputs.FirstOrDefault(c => c.ColumnName == n) is { } column ? Member(typeof(TOut), column.MemberName) : null)
            .ToArray();
        foreach (MemberInfo? member in outputMembers)
        {
            if (member is not null && MemberType(member) != typeof(float[]))
                throw new ArgumentException($"{typeof(TOut).Name}.{member.Name} is {MemberType(member).Name}; the forecast and bound columns are float[] (vectors of h Single).");
        }
        var definition = LstmForecastInput.SchemaFor(spec.WindowSize, spec.Horizon, spec.CovariateColumnNames.Length, spec.PastCovariateColumnNames.Length, spec.HasTimestamps);
        engine = ml.Model.CreatePredictionEngine<LstmForecastInput, LstmForecastingTransformer.ForecastRow>(scoring, inputSchemaDefinition: definition,
            outputSchemaDefinition: LstmForecastingTransformer.ForecastRow.Definition(spec.OutputColumnName, spec.LowerColumnName, spec.UpperColumnName));
        var inputs = SchemaDefinition.Create(typeof(TIn), SchemaDefinition.Direction.Read);
        readValue = Reader(inputs, spec.InputColumnName, "series");
        readCovariates = spec.CovariateColumnNames.Select(n => Reader(inputs, n, "covariate")).ToArray();
        readPastCovariates = spec.PastCovariateColumnNames.Select(n => Reader(inputs, n, "past covariate")).ToArray();
        readTime = spec.TimestampColumnName is { } time ? TimeReader(inputs, time) : null;
    }

    /// <summary>The current half-widths of the bounds per horizon step, in units of the window's interval scale σ
    /// (<see cref="ForecastIntervalScale"/>): Fit's split-conformal ones (<see cref="ForecastFitReport.Quantiles"/>, floored
    /// at 1e-3 of the largest), moved by every scored forecast when the model's <see cref="LstmForecastingOptions.IntervalMethod"/>
    /// is <see cref="ForecastIntervalMethod.Adaptive"/>.</summary>
    public IReadOnlyList<float> IntervalHalfWidths
    {
        get
        {
            lock (gate) return Array.AsReadOnly((float[])bounds.Quantiles.Clone());
        }
    }

    /// <summary>Steps forecast by <see cref="Predict()"/>, h.</summary>
    public int Horizon => spec.Horizon;

    /// <summary>The series this engine follows ("" for a single-series model).</summary>
    public string SeriesId => spec.SeriesId;

    /// <summary>The last W observations the next forecast starts from, oldest first.</summary>
    public IReadOnlyList<float> History
    {
        get
        {
            lock (gate) return Array.AsReadOnly(state.Values);
        }
    }

    /// <summary>Forecasts the next h steps. For a model without (future-known) covariates; with calendar inputs the future
    /// times are the last observation's time plus k times the model's step.</summary>
    public TOut Predict() => Predict(spec.Horizon);

    /// <summary>Forecasts the next <paramref name="horizon"/> steps (1 ≤ horizon ≤ h; the vectors are cut to that length).
    /// For a model without (future-known) covariates.</summary>
    public TOut Predict(int horizon)
    {
        if (spec.CovariateColumnNames.Length > 0)
            throw new InvalidOperationException($"This model reads covariates ({string.Join(", ", spec.CovariateColumnNames)}): pass the {spec.Horizon} future rows to Predict(future).");
        lock (gate) return Run(Array.Empty<float>(), null, horizon);
    }

    /// <summary>Forecasts the next <paramref name="horizon"/> steps (default h) from the values over the next h steps in
    /// <paramref name="future"/> (at least h rows; their series and past-covariate values are not read): the covariates of
    /// a model with covariates, and the times of a model with calendar inputs. A model with neither ignores the rows.</summary>
    public TOut Predict(IReadOnlyList<TIn> future, int? horizon = null)
    {
        ArgumentNullException.ThrowIfNull(future);
        int c = spec.CovariateColumnNames.Length, h = spec.Horizon;
        if (c == 0 && !spec.HasTimestamps) return Predict(horizon ?? h);
        if (future.Count < h)
            throw new ArgumentException($"The model forecasts {h} steps at once and needs the {(c > 0 ? "covariates" : "times")} of all of them; got {future.Count} future rows.", nameof(future));
        var covariates = new float[c > 0 ? (spec.WindowSize + h) * c : 0];
        for (int k = 0; k < h && c > 0; k++)
        {
            float[] row = Covariates(future[k], $"future row {k}");
            row.CopyTo(covariates, (spec.WindowSize + k) * c);
        }
        long[]? times = readTime is null ? null : future.Take(h).Select(readTime).ToArray();
        lock (gate)
        {
            if (times is not null)
            {
                long previous = state.Timestamps[^1];
                for (int k = 0; k < h; k++)
                {
                    if (times[k] <= previous)
                        throw new ArgumentException($"The timestamp column '{spec.TimestampColumnName}' of future row {k} is {new DateTime(times[k]):O}, not after the time before it ({new DateTime(previous):O}).", nameof(future));
                    previous = times[k];
                }
            }
            state.Covariates.CopyTo(covariates, 0);
            return Run(covariates, times, horizon ?? h);
        }
    }

    /// <summary>Appends one observed row (series value, covariates, past covariates and, with calendar inputs, its time)
    /// and drops the oldest; with adaptive bounds it first scores the forecasts made before this observation. With calendar
    /// inputs, a time k ≥ 2 of the model's steps after the last one is a gap in time: the model's
    /// <see cref="LstmForecastingOptions.GapFill"/> fills the k − 1 missing rows first (they score no forecast), or, by
    /// default, the call throws. A model without calendar inputs reads no time here.</summary>
    /// <exception cref="ArgumentException">The value or a (past) covariate is NaN, infinite, or beyond ±1e30 (where the
    /// forecast's scaling would overflow float32), or the time is not after the last one, or not a whole number of the
    /// model's steps after it, or leaves a gap the model does not fill (the message names the first missing time).</exception>
    public void Update(TIn observation)
    {
        ArgumentNullException.ThrowIfNull(observation);
        float value = readValue(observation);
        if (!float.IsFinite(value))
            throw new ArgumentException($"The observation's series column '{spec.InputColumnName}' is {value}; the engine needs a finite value (fill gaps first).", nameof(observation));
        if (!SeriesValueRange.Accepts(value))
            throw new ArgumentException($"The observation's series column '{spec.InputColumnName}': {SeriesValueRange.Reason(value)}.", nameof(observation));
        float[] covariates = Covariates(observation, "the observation");
        float[] past = Values(readPastCovariates, spec.PastCovariateColumnNames, "past covariate", observation, "the observation");
        long? time = readTime?.Invoke(observation);
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            SeriesAdvance.Observe(spec, state, adapt ? bounds : null, value, covariates, past, time,
                spec.CovariateColumnNames.Length == 0 ? () => Forecast(Array.Empty<float>(), null) : null);
        }
    }

    /// <summary>Writes the scoring model and this engine's state (history, columns, sizes) to one file at <paramref name="path"/>.
    /// Atomic: the checkpoint is written to a temporary file beside <paramref name="path"/> (same folder, name
    /// ".&lt;file name&gt;.&lt;guid&gt;.tmp"), flushed to disk, then moved over <paramref name="path"/> in one rename, so a
    /// write that fails part-way (a full disk) leaves the previous checkpoint as it was and removes the temporary file.</summary>
    /// <exception cref="ObjectDisposedException">The engine is disposed (the target is not touched).</exception>
    /// <exception cref="IOException">Writing failed; the message names the file, and the previous checkpoint is unchanged.</exception>
    public void CheckPoint(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        lock (gate) WriteCheckPoint(path);
    }

    private void WriteCheckPoint(string path)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        string target = Path.GetFullPath(path);
        string temporary = Path.Combine(Path.GetDirectoryName(target) ?? ".", $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                using (var zip = new ZipArchive(CheckPointStreamFilter?.Invoke(file) ?? file, ZipArchiveMode.Create, leaveOpen: true))
                {
                    using (Stream model = zip.CreateEntry(LstmForecastEngine.ModelEntry).Open())
                    {
                        ml.Model.Save(scoring, scoringSchema, model);
                    }
                    using Stream json = zip.CreateEntry(LstmForecastEngine.StateEntry).Open();
                    JsonSerializer.Serialize(json, new EngineCheckPoint(FormatVersion, spec, state.Values, state.Covariates, bounds.State(), state.PastCovariates, state.Timestamps));
                }
                file.Flush(flushToDisk: true);
            }
            File.Move(temporary, target, overwrite: true);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
            throw new IOException($"Writing the forecast engine checkpoint '{target}' failed ({error.Message}); the file at that path, if any, is unchanged.", error);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    /// <summary>Test hook: wraps the temporary file's stream of <see cref="CheckPoint"/> (to make a write fail part-way).</summary>
    internal Func<Stream, Stream>? CheckPointStreamFilter { get; set; }

    private static void TryDelete(string file)
    {
        try
        {
            File.Delete(file);
        }
        catch (IOException)
        {
            // Leave the temporary file; the target is untouched either way.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Releases the prediction engine and the engine's own copy of the scoring model. Later calls of
    /// <see cref="Predict()"/>, <see cref="Update"/> and <see cref="CheckPoint"/> throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        lock (gate)
        {
            if (disposed) return;
            disposed = true;
            engine.Dispose();
            (scoring as IDisposable)?.Dispose();
        }
    }

    /// <summary>Forecasts from the current window (<see cref="Forecast"/>) and returns the first <paramref name="horizon"/>
    /// steps as a <typeparamref name="TOut"/>; the caller holds <see cref="gate"/>.</summary>
    private TOut Run(float[] covariates, long[]? futureTimes, int horizon)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (horizon < 1 || horizon > spec.Horizon)
            throw new ArgumentOutOfRangeException(nameof(horizon), horizon, $"The model forecasts 1 to {spec.Horizon} steps (its trained horizon); got {horizon}.");
        float[][] vectors = Forecast(covariates, futureTimes);
        var result = new TOut();
        for (int i = 0; i < 3; i++)
        {
            if (outputMembers[i] is { } member) Set(member, result, horizon < spec.Horizon ? vectors[i][..horizon] : vectors[i]);
        }
        return result;
    }

    /// <summary>The forecast, lower and upper vectors (h each) of the current window, issued to the adaptive bounds.</summary>
    private float[][] Forecast(float[] covariates, long[]? futureTimes)
    {
        long[] times = Array.Empty<long>();
        if (spec.HasTimestamps)
        {
            // The window's times, then the future ones given or the last time plus k steps.
            times = futureTimes is null
                ? LstmForecastingTransformer.Times(state.Timestamps, 0, spec.WindowSize + spec.Horizon, spec.StepTicks)
                : state.Timestamps.Concat(futureTimes).ToArray();
        }
        var input = new LstmForecastInput { Window = (float[])state.Values.Clone(), Covariates = covariates, PastCovariates = (float[])state.PastCovariates.Clone(), Timestamps = times };
        LstmForecastingTransformer.ForecastRow row = engine.Predict(input);
        float[] forecast = row.Forecast, lower = row.Lower, upper = row.Upper;
        if (adapt) (lower, upper) = bounds.IssueBounds(forecast, row.IntervalScale[0], spec.TargetTransform);
        return new[] { forecast, lower, upper };
    }

    private static Type MemberType(MemberInfo member) => member is FieldInfo f ? f.FieldType : ((PropertyInfo)member).PropertyType;

    private float[] Covariates(TIn row, string what) => Values(readCovariates, spec.CovariateColumnNames, "covariate", row, what);

    private static float[] Values(Func<TIn, float>[] readers, string[] names, string role, TIn row, string what)
    {
        var values = new float[readers.Length];
        for (int k = 0; k < values.Length; k++)
        {
            values[k] = readers[k](row);
            if (!float.IsFinite(values[k]))
                throw new ArgumentException($"The {role} column '{names[k]}' of {what} is {values[k]}; covariates must be finite.");
            if (!SeriesValueRange.Accepts(values[k]))
                throw new ArgumentException($"The {role} column '{names[k]}' of {what}: {SeriesValueRange.Reason(values[k])}.");
        }
        return values;
    }

    private static Func<TIn, long> TimeReader(SchemaDefinition definition, string column)
    {
        var entry = definition.FirstOrDefault(c => c.ColumnName == column)
            ?? throw new ArgumentException($"{typeof(TIn).Name} has no member for the timestamp column '{column}'.");
        MemberInfo member = Member(typeof(TIn), entry.MemberName);
        if (MemberType(member) != typeof(DateTime))
            throw new ArgumentException($"The timestamp column '{column}' of {typeof(TIn).Name} is {MemberType(member).Name}; expected DateTime.");
        return row => ((DateTime)Get(member, row)!).Ticks;
    }

    private static Func<TIn, float> Reader(SchemaDefinition definition, string column, string role)
    {
        var entry = definition.FirstOrDefault(c => c.ColumnName == column)
            ?? throw new ArgumentException($"{typeof(TIn).Name} has no member for the {role} column '{column}'.");
        MemberInfo member = Member(typeof(TIn), entry.MemberName);
        Type type = member is FieldInfo f ? f.FieldType : ((PropertyInfo)member).PropertyType;
        if (type != typeof(float) && type != typeof(double) && type != typeof(int))
            throw new ArgumentException($"The {role} column '{column}' of {typeof(TIn).Name} is {type.Name}; expected float (or double, int).");
        return row => Convert.ToSingle(Get(member, row), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static MemberInfo Member(Type type, string name) =>
        (MemberInfo?)type.GetField(name) ?? type.GetProperty(name) ?? throw new ArgumentException($"{type.Name} has no public member '{name}'.");

    private static object? Get(MemberInfo member, object target) => member is FieldInfo f ? f.GetValue(target) : ((PropertyInfo)member).GetValue(target);

    private static void Set(MemberInfo member, object target, object value)
    {
        if (member is FieldInfo f) f.SetValue(target, value);
        else ((PropertyInfo)member).SetValue(target, value);
    }
}
