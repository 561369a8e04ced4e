using LstmMlNet.Forecasting;
using LstmMlNet.Onnx;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace LstmMlNet;

/// <summary>
/// A fitted <c>ForecastByLstm</c> model. <see cref="Transform"/> adds the forecast, lower-bound and upper-bound columns
/// (vectors of h Single) to series rows; <see cref="CreateForecastEngine{TIn, TOut}"/> gives a stateful engine that
/// continues each series from the end of the training data (<c>Predict</c>, <c>Update</c>, <c>CheckPoint</c>).
/// <para>Alignment of <see cref="Transform"/>: the vectors on row t are the forecast of rows t, t+1, …, t+h−1 made from
/// the W rows before t only (slot 0 is the one-step-ahead forecast of the row's own value, which it did not see).
/// This differs from ForecastBySsa, whose row-t vector starts after consuming row t. Each series is read from its own
/// first row: its first W rows, and with covariates the last h−1 rows (whose future covariates are not in the data),
/// get NaN vectors; the count is logged.</para>
/// <para>Persistence: <c>ml.Model.Save</c> writes <see cref="ScoringModel"/>, the stateless ONNX scoring model that maps
/// a <see cref="LstmForecastInput"/> row (window, covariates, past covariates, timestamps as the model needs them) to the
/// three vectors (with Fit's split-conformal bounds) and an <c>IntervalScale</c> column (the window's σ, vector of 1: the
/// unit of the bounds' half-widths, for callers that adapt the bounds themselves); <c>ml.Model.Load</c> returns it and
/// needs only Microsoft.ML, Microsoft.ML.OnnxTransformer and ONNX Runtime. The engine's
/// <c>CheckPoint</c> saves the scoring model and the series state together.</para>
/// </summary>
public sealed class LstmForecastingTransformer : ITransformer, Onnx.IReleasableWrapper
{
    private readonly IHostEnvironment environment;
    private readonly byte[] onnx;
    private readonly Dictionary<string, SeriesState> states;
    private ForecastScorer? scorer;
    private LstmForecaster? forecaster; // Forecast's: never updated, so every call starts from the training data's end
    private object? scorerLock;

    internal LstmForecastingTransformer(IHostEnvironment environment, ForecastPlan plan, byte[] onnx, Dictionary<string, SeriesState> states, ForecastFitReport report)
    {
        this.environment = environment;
        Plan = plan;
        this.onnx = onnx;
        this.states = states;
        FitReport = report;
        OutputNames = plan.Request.OutputColumnNames;
        ScoringInputSchemaDefinition = LstmForecastInput.SchemaFor(plan.Layout);
        (ITransformer scoring, ScoringInputSchema) = BuildScoringModel(new MLContext(), onnx, plan.Layout, plan.Request, ScoringInputSchemaDefinition);
        ScoringModel = new Onnx.EngineSafeTransformer(scoring); // a PredictionEngine's Dispose cannot release its ONNX session
    }

    /// <summary>The plan of the Fit that made this model: the options as asked for and every resolved value.</summary>
    internal ForecastPlan Plan { get; }

    /// <summary>The options as asked for at Fit (automatic values unresolved: read <see cref="Layout"/> for them).</summary>
    internal LstmForecastingOptions Options => Plan.Request;

    /// <summary>The forecast, lower-bound and upper-bound column names.</summary>
    private string[] OutputNames { get; }

    internal ForecastLayout Layout => Plan.Layout;

    internal IReadOnlyDictionary<string, SeriesState> States => states;

    /// <summary>The stateless scoring model: <see cref="LstmForecastInput"/> columns in, the three vectors out. Disposing a
    /// PredictionEngine created over it leaves it working (see the README's "Prediction engines" section).</summary>
    public ITransformer ScoringModel { get; }

    ITransformer Onnx.IReleasableWrapper.Wrapped => ScoringModel;

    /// <summary>Input schema of <see cref="ScoringModel"/> (for <c>ml.Model.Save</c>).</summary>
    public DataViewSchema ScoringInputSchema { get; }

    /// <summary>Schema definition that gives <see cref="LstmForecastInput"/> this model's vector sizes.</summary>
    public SchemaDefinition ScoringInputSchemaDefinition { get; }

    /// <summary>Observations per window, W.</summary>
    public int WindowSize => Layout.WindowSize;

    /// <summary>Steps forecast at once, h.</summary>
    public int Horizon => Layout.Horizon;

    /// <summary>The covariate columns, in the order the model reads them.</summary>
    public IReadOnlyList<string> CovariateColumnNames => Options.CovariateColumnNames;

    /// <summary>The past-covariate columns, in the order the model reads them.</summary>
    public IReadOnlyList<string> PastCovariateColumnNames => Options.PastCovariateColumnNames;

    /// <summary>Ids of the series seen in training ("" for a model without a series-id column).</summary>
    public IReadOnlyCollection<string> SeriesIds => states.Keys;

    /// <summary>Training history, sizes and calibration of the Fit that made this model.</summary>
    public ForecastFitReport FitReport { get; }

    /// <summary>False: forecasts depend on earlier rows, so there is no row-to-row mapper (use the forecast engine).</summary>
    public bool IsRowToRowMapper => false;

    /// <summary>The ONNX model (inputs Window [1, W] and, as the model needs them, Covariates [1, (W + h)·C], PastCovariates
    /// [1, W·Cp], Timestamps int64 [1, W + h]; outputs the three vectors as [1, h] and IntervalScale [1, 1]).</summary>
    public byte[] OnnxModel() => (byte[])onnx.Clone();

    /// <summary>Writes <see cref="OnnxModel"/> to <paramref name="path"/>.</summary>
    public void SaveOnnx(string path) => File.WriteAllBytes(path, onnx);

    internal static (ITransformer Model, DataViewSchema Schema) BuildScoringModel(MLContext ml, byte[] onnx, ForecastLayout layout, LstmForecastingOptions options, SchemaDefinition definition) =>
        BuildScoringModel(ml, onnx, layout.Covariates, layout.PastCovariates, layout.HasTimestamps, options.OutputColumnNames, definition);

    /// <summary>The stateless ML.NET scoring model over <paramref name="onnx"/> for a model with <paramref name="spec"/>'s
    /// inputs and columns.</summary>
    internal static (ITransformer Model, DataViewSchema Schema) BuildScoringModel(MLContext ml, byte[] onnx, ForecastEngineSpec spec) =>
        BuildScoringModel(ml, onnx, spec.CovariateColumnNames.Length, spec.PastCovariateColumnNames.Length, spec.HasTimestamps,
            new[] { spec.OutputColumnName, spec.LowerColumnName, spec.UpperColumnName },
            LstmForecastInput.SchemaFor(spec.WindowSize, spec.Horizon, spec.CovariateColumnNames.Length, spec.PastCovariateColumnNames.Length, spec.HasTimestamps));

    private static (ITransformer Model, DataViewSchema Schema) BuildScoringModel(MLContext ml, byte[] onnx, int covariates, int pastCovariates, bool timestamps,
        string[] outputColumns, SchemaDefinition definition)
    {
        var inputs = new List<string> { ForecastGraph.WindowInput };
        if (covariates > 0) inputs.Add(ForecastGraph.CovariatesInput);
        if (pastCovariates > 0) inputs.Add(ForecastGraph.PastCovariatesInput);
        if (timestamps) inputs.Add(ForecastGraph.TimestampsInput);
        IDataView empty = ml.Data.LoadFromEnumerable(Array.Empty<LstmForecastInput>(), definition);
        string[] outputs = outputColumns.Append(ForecastGraph.IntervalScaleOutput).ToArray();
        // Over a file of ours (deleted when the model is released or collected, or at exit): ML.NET's copy of a stream is
        // never deleted.
        Onnx.OnnxModelFile file = Onnx.OnnxModelFile.Write(ml, onnx);
        ITransformer model = ml.Transforms.ApplyOnnxModel(outputs, inputs.ToArray(), file.Path).Fit(empty);
        file.OwnedBy(model);
        return (model, empty.Schema);
    }

    /// <inheritdoc />
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        SeriesTable.CheckSchema(inputSchema, Options);
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(inputSchema.Where(c => !OutputNames.Contains(c.Name)).Select(c => new DataViewSchema.DetachedColumn(c)));
        foreach (string name in OutputNames) builder.AddColumn(name, new VectorDataViewType(NumberDataViewType.Single, Horizon));
        return builder.ToSchema();
    }


    /// <summary>Adds the forecast and bound columns to series rows (see the class remarks for the alignment). The bounds are
    /// the split-conformal bounds of Fit (the saved scoring model's); the forecast engine and <see cref="ForecastBacktest"/>
    /// adapt them as observations arrive (<see cref="LstmForecastingOptions.IntervalMethod"/>).</summary>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var (values, _, _) = Score(input);
        return new AppendedVectorsView(input, OutputNames, Horizon, values[..3]);
    }

    /// <summary>The forecast, lower, upper and interval-scale vectors ([1] each for the scale) of every row of
    /// <paramref name="input"/> (NaN where a row has no forecast), indexed by row, and the series read.</summary>
    internal (float[][][] Values, List<Series> Series, long Rows) Score(IDataView input)
    {
        List<Series> series = SeriesTable.Read(input, Options, Layout.StepTicks); // gaps checked and filled against the model's step
        long rows = series.Sum(s => (long)s.Rows.Count(r => r >= 0)); // the input's rows (filled rows have none)
        int w = WindowSize, h = Horizon, c = Layout.Covariates, cp = Layout.PastCovariates;
        var nan = Enumerable.Repeat(float.NaN, h).ToArray();
        var values = new float[4][][];
        for (int k = 0; k < 4; k++)
        {
            values[k] = new float[rows][];
            Array.Fill(values[k], k < 3 ? nan : new[] { float.NaN });
        }
        ForecastScorer scorer = Scorer;
        int flushRows = ForecastScorer.BatchRows * ForecastScorer.Parallelism * 2; // enough calls to keep every core busy
        ForecastBatch batch = scorer.NewBatch(flushRows);
        var pending = new List<(Series Series, int T)>(flushRows);
        void Flush()
        {
            if (pending.Count == 0) return;
            ForecastBatch run = pending.Count == batch.Count ? batch : scorer.NewBatch(pending.Count);
            for (int i = 0; i < pending.Count; i++) Window(pending[i].Series, pending[i].T, run, i);
            scorer.Score(run);
            for (int i = 0; i < pending.Count; i++)
            {
                long at = pending[i].Series.Rows[pending[i].T];
                values[0][at] = run.Forecast[(i * h)..((i + 1) * h)];
                values[1][at] = run.Lower[(i * h)..((i + 1) * h)];
                values[2][at] = run.Upper[(i * h)..((i + 1) * h)];
                values[3][at] = new[] { run.IntervalScale[i] };
            }
            pending.Clear();
        }
        long missing = 0;
        foreach (Series s in series)
        {
            for (int t = 0; t < s.Length; t++)
            {
                if (s.IsFilled(t)) continue; // a row filled into a gap: an input of later rows, no output row
                if (t < w || (c > 0 && t + h > s.Length))
                {
                    missing++;
                    continue;
                }
                pending.Add((s, t));
                if (pending.Count == flushRows) Flush();
            }
        }
        Flush();
        if (missing > 0)
        {
            using IChannel log = environment.Start(nameof(LstmForecastingTransformer));
            log.Info(MessageSensitivity.None, $"ForecastByLstm: {missing} of {rows} rows have NaN forecasts (fewer than W={w} earlier rows in their series{(c > 0 ? $", or fewer than h={h} rows of future covariates" : string.Empty)}).");
        }
        return (values, series, rows);
    }

    /// <summary>Writes the model input of the window of <paramref name="s"/> ending before position <paramref name="t"/>
    /// (covariates up to t + h − 1) into row <paramref name="row"/> of <paramref name="batch"/>.</summary>
    private void Window(Series s, int t, ForecastBatch batch, int row)
    {
        int w = WindowSize, h = Horizon, c = Layout.Covariates, cp = Layout.PastCovariates;
        s.Values.AsSpan(t - w, w).CopyTo(batch.Windows.AsSpan(row * w, w));
        if (c > 0) s.Covariates.AsSpan((t - w) * c, (w + h) * c).CopyTo(batch.Covariates.AsSpan(row * (w + h) * c));
        if (cp > 0) s.PastCovariates.AsSpan((t - w) * cp, w * cp).CopyTo(batch.PastCovariates.AsSpan(row * w * cp));
        if (Layout.HasTimestamps) Times(s.Timestamps, t - w, w + h, Layout.StepTicks).CopyTo(batch.Timestamps.AsSpan(row * (w + h)));
    }

    /// <summary>The batch scorer over this model's graph (one ONNX Runtime session, made at first use, safe from many
    /// threads).</summary>
    internal ForecastScorer Scorer => LazyInitializer.EnsureInitialized(ref scorer, ref scorerLock, () => ForecastScorer.For(onnx, ForecastEngineSpec.From(Plan, string.Empty)));

    /// <summary><paramref name="count"/> times from position <paramref name="start"/> of a series' times; beyond its last
    /// row, one model step (<paramref name="step"/> ticks) per row after the last time, counted as the gap filling counts
    /// steps (<see cref="SeriesGaps.TimeStep"/>: a step of 28–31 days is a calendar month, and so on).</summary>
    internal static long[] Times(long[] times, int start, int count, long step)
    {
        var result = new long[count];
        SeriesGaps.TimeStep next = SeriesGaps.TimeStep.Of(step);
        for (int j = 0; j < count; j++)
        {
            int at = start + j;
            result[j] = at < times.Length ? times[at] : next.After(times[^1], at - times.Length + 1);
        }
        return result;
    }

    /// <summary>Not available: forecasts depend on earlier rows. Use <see cref="CreateForecastEngine{TIn, TOut}"/>.</summary>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) =>
        throw new InvalidOperationException("ForecastByLstm is not a row-to-row mapper (a forecast depends on earlier rows); use CreateForecastEngine, or ScoringModel with a window per row.");

    /// <summary>Writes <see cref="ScoringModel"/>: a saved forecasting model loads as that stateless ONNX model.</summary>
    void ICanSaveModel.Save(ModelSaveContext ctx) => ((ICanSaveModel)ScoringModel).Save(ctx);

    /// <summary>A stateful engine for one series, starting from the end of the training data.</summary>
    /// <typeparam name="TIn">Observation class: has the series column and the covariate columns (Single).</typeparam>
    /// <typeparam name="TOut">Forecast class: has the forecast and bound columns (float[]).</typeparam>
    /// <param name="ml">The context.</param>
    /// <param name="seriesId">Which series (null when the model has one series).</param>
    public LstmForecastEngine<TIn, TOut> CreateForecastEngine<TIn, TOut>(MLContext ml, string? seriesId = null)
        where TIn : class
        where TOut : class, new()
    {
        ArgumentNullException.ThrowIfNull(ml);
        string key = seriesId ?? (states.Count == 1 ? states.Keys.Single() : throw new ArgumentException(
            $"The model holds {states.Count} series; name one with seriesId (one of: {string.Join(", ", states.Keys.Take(10))}{(states.Count > 10 ? ", …" : string.Empty)}).", nameof(seriesId)));
        if (!states.TryGetValue(key, out SeriesState? state))
            throw new ArgumentException($"Series '{key}' was not in the training data.", nameof(seriesId));
        // Each engine runs its own copy of the scoring model: disposing a PredictionEngine releases the model's ONNX session.
        var (scoring, schema) = BuildScoringModel(ml, onnx, Layout, Options, ScoringInputSchemaDefinition);
        var bounds = new AdaptiveBounds(FitReport.Quantiles, Options.ConfidenceLevel, Options.IntervalAdaptationRate);
        return new LstmForecastEngine<TIn, TOut>(ml, scoring, schema, ForecastEngineSpec.From(Plan, key), state.Clone(), bounds);
    }

    /// <summary>A panel forecaster over every series' end in the training data (see <see cref="LstmForecaster"/>): batched
    /// forecasts of all series at any levels and quantiles, <c>Update</c> with new rows, and <c>Save</c> with the series'
    /// ends (which <see cref="LstmForecaster.Load(MLContext, string)"/> reads back; plain <c>ml.Model.Save</c> of this model
    /// writes only the stateless scoring model). Each call makes an independent forecaster; dispose it when done.</summary>
    public LstmForecaster CreateForecaster() =>
        new(ForecasterSpec, onnx, states.Select(p => new SeriesEnd(p.Key, p.Value.Clone(), new AdaptiveBounds(FitReport.Quantiles, Options.ConfidenceLevel, Options.IntervalAdaptationRate))));

    /// <summary>Forecasts the next h steps of every series from the end of the training data, in batches: one row per series
    /// and step (see <see cref="LstmForecaster.Forecast"/> for the columns, <paramref name="future"/>, levels and quantiles).</summary>
    public IDataView Forecast(IDataView? future = null, IReadOnlyList<float>? levels = null, IReadOnlyList<float>? quantiles = null, IEnumerable<string>? seriesIds = null) =>
        LazyInitializer.EnsureInitialized(ref forecaster, ref scorerLock, CreateForecaster).Forecast(future, levels, quantiles, seriesIds);

    private ForecasterSpec ForecasterSpec => new(ForecastEngineSpec.From(Plan, string.Empty), Options.SeriesIdColumnName, Options.TimestampColumnName,
        FitReport.Quantiles.ToArray(), FitReport.Scores?.ToForm());

    /// <summary>The three output vectors of the scoring model, named after the options' columns at run time.</summary>
    internal sealed class ForecastRow
    {
        public float[] Forecast { get; set; } = Array.Empty<float>();

        public float[] Lower { get; set; } = Array.Empty<float>();

        public float[] Upper { get; set; } = Array.Empty<float>();

        public float[] IntervalScale { get; set; } = Array.Empty<float>();

        public static SchemaDefinition Definition(LstmForecastingOptions options) =>
            Definition(options.OutputColumnName, options.ConfidenceLowerBoundColumn, options.ConfidenceUpperBoundColumn);

        public static SchemaDefinition Definition(string forecast, string lower, string upper)
        {
            var definition = SchemaDefinition.Create(typeof(ForecastRow), SchemaDefinition.Direction.Write);
            definition[nameof(Forecast)].ColumnName = forecast;
            definition[nameof(Lower)].ColumnName = lower;
            definition[nameof(Upper)].ColumnName = upper;
            definition[nameof(IntervalScale)].ColumnName = ForecastGraph.IntervalScaleOutput;
            return definition;
        }
    }
}
