using System.Globalization;
using LstmMlNet.Engine;
using LstmMlNet.Forecasting;
using LstmMlNet.Onnx.Protobuf;
using static LstmMlNet.Onnx.OnnxGraphBuilder;
using DataType = LstmMlNet.Onnx.Protobuf.TensorProto.Types.DataType;

namespace LstmMlNet.Onnx;

/// <summary>
/// Writes a trained forecasting network as one ONNX model that does everything <see cref="ForecastLayout"/> describes:
/// inputs <c>Window</c> float [B, W] (raw observations, oldest first) and, with covariates, <c>Covariates</c> float
/// [B, (W + h)·C] (step-major, window steps then horizon steps), with past covariates <c>PastCovariates</c> float
/// [B, W·Cp], with calendar inputs <c>Timestamps</c> int64 [B, W + h] (ticks); outputs the forecast and the lower and upper bounds,
/// float [B, h] each, named like the user's columns, and the window's interval scale σ, float [B, 1]
/// (<see cref="IntervalScaleOutput"/>). B (<see cref="BatchDimension"/>) is symbolic: OnnxTransformer feeds one row as
/// B = 1, and a batch forecaster feeds many windows at once (rows are independent: each row's values depend on that row only). The network part is <see cref="OnnxExporter"/>'s graph, fed by the
/// pre-processing nodes and followed by the decoding and bound nodes.
/// <para>The graph is the ONNX twin of <see cref="ForecastLayout"/>'s C# arithmetic, written method for method so that a
/// change to one shows where the other changes: <see cref="Nodes.Series"/> ↔ <see cref="ForecastLayout.Series"/>,
/// <see cref="Nodes.ScaleOf"/> ↔ <see cref="ForecastLayout.ScaleOf"/>, <see cref="Nodes.IntervalScaleOf"/> ↔
/// <see cref="ForecastLayout.IntervalScaleOf"/>, <see cref="Nodes.Encode"/> ↔ <see cref="ForecastLayout.Encode"/>,
/// <see cref="Nodes.Baseline"/> ↔ <see cref="ForecastLayout.Baseline"/> (<see cref="Nodes.Alternative"/> ↔ <see cref="ForecastLayout.Alternative"/>), <see cref="Nodes.Levels"/> ↔
/// <see cref="ForecastLayout.Levels(float, float[], float[], ReadOnlySpan{float}, float)"/>, and <see cref="Nodes.Bounds"/> (ℓ̂ ∓ q·σ, then level⁻¹). The parity tests
/// (ForecastGraphParityTests) hold the two to 1e-5 on every scaling, transform and input kind.</para>
/// </summary>
internal static class ForecastGraph
{
    /// <summary>Name of the window input (and of the column the saved model reads).</summary>
    public const string WindowInput = "Window";

    /// <summary>Name of the covariate input (and of the column the saved model reads).</summary>
    public const string CovariatesInput = "Covariates";

    /// <summary>Name of the fourth output, the window's interval scale σ [1, 1] (the unit of the bounds' half-widths,
    /// <see cref="ForecastIntervalScale"/>), read by the forecast engine's adaptive bounds.</summary>
    public const string IntervalScaleOutput = LstmForecastingOptions.IntervalScaleColumn;

    /// <summary>Name of the past-covariate input, float [1, W·Cp] (window steps only, step-major).</summary>
    public const string PastCovariatesInput = "PastCovariates";

    /// <summary>Name of the timestamp input, int64 [1, W + h] (DateTime ticks of the window and horizon steps).</summary>
    public const string TimestampsInput = "Timestamps";

    private const string NetworkInput = "lstm_network_frames";

    /// <summary>The symbolic first dimension of every input and output: the number of windows scored at once (1 for a row
    /// that OnnxTransformer feeds; any B for a batch).</summary>
    public const string BatchDimension = "B";
    private const string NetworkOutput = "lstm_network_output";

    /// <summary>The whole forecasting model: pre-processing → the network → decoding and bounds, with the metadata.</summary>
    /// <param name="networks">One network, or the members of an ensemble
    /// (<see cref="LstmForecastingOptions.EnsembleSize"/>): each member's graph is renamed with its own prefix
    /// (<c>member{j}_</c>) and an ONNX <c>Mean</c> averages their outputs into the network output the decoding reads.</param>
    /// <param name="layout">The model's layout.</param>
    /// <param name="quantiles">The bounds' half-widths per step, in units of σ.</param>
    /// <param name="forecastName">Name of the forecast output.</param>
    /// <param name="lowerName">Name of the lower-bound output.</param>
    /// <param name="upperName">Name of the upper-bound output.</param>
    /// <param name="metadata">Entries added to the model's metadata.</param>
    public static byte[] Export(IReadOnlyList<SequenceNetwork> networks, ForecastLayout layout, float[] quantiles,
        string forecastName, string lowerName, string upperName, IReadOnlyDictionary<string, string> metadata)
    {
        if (quantiles.Length != layout.Horizon) throw new ArgumentException($"One quantile per horizon step ({layout.Horizon}) is needed.", nameof(quantiles));
        if (networks.Count == 0) throw new ArgumentException("At least one network is needed.", nameof(networks));
        ModelProto inner = Network(networks[0], layout);
        if (networks.Count > 1)
        {
            // An ensemble: every member's nodes and weights under its own prefix, the members' outputs averaged.
            var graph = new GraphProto { Name = inner.Graph.Name };
            var outputs = new List<string>();
            for (int j = 0; j < networks.Count; j++)
            {
                GraphProto member = j == 0 ? inner.Graph : Network(networks[j], layout).Graph;
                string prefix = $"member{j}_";
                graph.Initializer.AddRange(OnnxRenaming.Prefixed(member.Initializer, prefix, NetworkInput));
                graph.Node.AddRange(OnnxRenaming.Prefixed(member.Node, prefix, NetworkInput));
                outputs.Add(prefix + NetworkOutput);
            }
            var mean = new NodeProto { OpType = "Mean", Name = "ensemble_mean" };
            mean.Input.AddRange(outputs);
            mean.Output.Add(NetworkOutput);
            graph.Node.Add(mean);
            inner.Graph = graph;
            inner.MetadataProps.Add(new StringStringEntryProto { Key = "lstmmlnet.ensemble_size", Value = networks.Count.ToString(CultureInfo.InvariantCulture) });
        }
        var n = new Nodes(inner, layout);
        string window = n.G.Reserve(WindowInput);
        string? covariates = layout.Covariates > 0 ? n.G.Reserve(CovariatesInput) : null;
        string? pastCovariates = layout.PastCovariates > 0 ? n.G.Reserve(PastCovariatesInput) : null;
        string? timestamps = layout.HasTimestamps ? n.G.Reserve(TimestampsInput) : null;
        string forecast = n.G.Reserve(forecastName), lower = n.G.Reserve(lowerName), upper = n.G.Reserve(upperName);
        string scaleOutput = n.G.Reserve(IntervalScaleOutput);

        // Pre-processing: Window [B, W] → network frames [B, Steps·F].
        var (level, u) = n.Series(window);
        var (m, scale) = n.ScaleOf(u);
        string sigma = n.IntervalScaleOf(u, scale);
        // A NaN or infinite value in a row's window or covariates makes that row's forecast, both bounds and σ NaN
        // (OnnxInputGuards); the other rows of the batch are untouched.
        string nonFinite = OnnxInputGuards.NonFiniteRows(n.G, new[] { window, covariates, pastCovariates }.Where(v => v is not null).Select(v => v!).ToArray());
        bool shared = sigma == scale;
        scale = OnnxInputGuards.NanWhere(n.G, nonFinite, scale);
        sigma = shared ? scale : OnnxInputGuards.NanWhere(n.G, nonFinite, sigma);
        n.Encode(u, m, scale, covariates, pastCovariates, timestamps, NetworkInput);

        // The network.
        n.G.Graph.Initializer.AddRange(inner.Graph.Initializer);
        n.G.Graph.Node.AddRange(inner.Graph.Node);

        // Decoding: [B, h] network output → levels → forecast and bounds.
        string levels = n.Levels(level, n.Baseline(u, m), NetworkOutput, scale, layout.AlternativeWeight != 0f ? n.Alternative(u, m) : null);
        n.Bounds(levels, sigma, quantiles, forecast, lower, upper, scaleOutput);

        n.G.Graph.Input.Add(Value(window, DataType.Float, BatchDimension, (long)layout.WindowSize));
        if (covariates is not null) n.G.Graph.Input.Add(Value(covariates, DataType.Float, BatchDimension, (long)layout.CovariateValues));
        if (pastCovariates is not null) n.G.Graph.Input.Add(Value(pastCovariates, DataType.Float, BatchDimension, (long)layout.PastCovariateValues));
        if (timestamps is not null) n.G.Graph.Input.Add(Value(timestamps, DataType.Int64, BatchDimension, (long)layout.TimestampValues));
        foreach (string output in new[] { forecast, lower, upper }) n.G.Graph.Output.Add(Value(output, DataType.Float, BatchDimension, (long)layout.Horizon));
        n.G.Graph.Output.Add(Value(scaleOutput, DataType.Float, BatchDimension, 1L));
        return Model(inner, n.G, layout, metadata);
    }

    /// <summary>One network's graph: frames <see cref="NetworkInput"/> [B, Steps·F] → <see cref="NetworkOutput"/> [B, h].</summary>
    private static ModelProto Network(SequenceNetwork network, ForecastLayout layout) =>
        ModelProto.Parser.ParseFrom(OnnxExporter.Export(network, new OnnxExportOptions(OnnxHead.Identity, InputName: NetworkInput, ScoreName: NetworkOutput,
            StepOutputs: layout.Horizon, BatchSteps: layout.Steps)));

    /// <summary>The model proto around the graph: the inner network's IR and opsets, the layout and the caller's metadata,
    /// and the whole model's checksum (replacing the inner network's).</summary>
    private static byte[] Model(ModelProto inner, OnnxGraphBuilder g, ForecastLayout layout, IReadOnlyDictionary<string, string> metadata)
    {
        var model = new ModelProto
        {
            IrVersion = inner.IrVersion,
            ProducerName = inner.ProducerName,
            ProducerVersion = inner.ProducerVersion,
            ModelVersion = 1,
            Graph = g.Graph,
        };
        model.OpsetImport.AddRange(inner.OpsetImport);
        var entries = inner.MetadataProps.ToDictionary(e => e.Key, e => e.Value);
        entries["lstmmlnet.task"] = "forecasting";
        entries["lstmmlnet.window_size"] = layout.WindowSize.ToString(CultureInfo.InvariantCulture);
        entries["lstmmlnet.horizon"] = layout.Horizon.ToString(CultureInfo.InvariantCulture);
        entries["lstmmlnet.covariates"] = layout.Covariates.ToString(CultureInfo.InvariantCulture);
        entries["lstmmlnet.target_transform"] = layout.Transform.ToString();
        entries["lstmmlnet.scaling"] = layout.Scaling.ToString();
        entries["lstmmlnet.seasonal_period"] = layout.SeasonalPeriod.ToString(CultureInfo.InvariantCulture);
        entries["lstmmlnet.scale_lag"] = layout.ChangeLag.ToString(CultureInfo.InvariantCulture);
        entries["lstmmlnet.seasonal_lags"] = layout.SeasonalLags.ToString(CultureInfo.InvariantCulture);
        entries["lstmmlnet.past_covariates"] = layout.PastCovariates.ToString(CultureInfo.InvariantCulture);
        entries["lstmmlnet.calendar_features"] = layout.Calendar.ToString();
        entries["lstmmlnet.interval_scale"] = layout.IntervalScale.ToString();
        foreach (var (key, value) in metadata) entries[key] = value;
        foreach (var (key, value) in entries) model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        LstmModelChecksum.Stamp(model);
        return Google.Protobuf.MessageExtensions.ToByteArray(model);
    }

    /// <summary>The nodes of <see cref="ForecastLayout"/>'s arithmetic, one method per C# method, over one graph. Values are
    /// [B, n] (one row per window of the batch) unless said otherwise.</summary>
    internal sealed class Nodes
    {
        private readonly ForecastLayout layout;
        private string? axis1Name, batch;

        /// <summary>A builder whose names avoid every name of the <paramref name="inner"/> network.</summary>
        public Nodes(ModelProto inner, ForecastLayout layout)
        {
            this.layout = layout;
            G = new OnnxGraphBuilder("LstmMlNetForecast");
            foreach (var init in inner.Graph.Initializer) G.Reserve(init.Name);
            foreach (var node in inner.Graph.Node)
            {
                foreach (string output in node.Output) G.Reserve(output);
                G.Reserve(node.Name);
            }
            G.Reserve(NetworkInput);
        }

        /// <summary>The graph being built.</summary>
        public OnnxGraphBuilder G { get; }

        private int W => layout.WindowSize;

        private int H => layout.Horizon;

        private int P => layout.PastSteps;

        /// <summary>Made at first use, after <see cref="Export"/> has reserved the inputs' and outputs' names.</summary>
        private string Axis1 => axis1Name ??= G.Int64s("axis1", new[] { 1L });

        /// <summary>[B] (int64 [1]): the batch size, read from the window [B, W] by <see cref="Series"/>.</summary>
        private string Batch => batch ?? throw new InvalidOperationException("Series reads the window first.");

        /// <summary>A constant [rows, columns] repeated for every window: [B, rows, columns].</summary>
        private string PerWindow(string name, float[] values, int rows, int columns) =>
            G.Node("Expand", new[] { G.Floats(name, values, rows, columns), G.Node("Concat", new[] { Batch, G.Int64s($"{name}_shape", new[] { (long)rows, columns }) }, null, Attribute("axis", 0L)) });

        private string Slice(string x, long start, long end, string axis) =>
            G.Node("Slice", new[] { x, G.Int64s("start", new[] { start }), G.Int64s("end", new[] { end }), axis });

        private string RowMean(string value) => G.Node("ReduceMean", new[] { value }, null, Attribute("axes", new[] { 1L }), Attribute("keepdims", 1L));

        private string MeanAbsolute(string value) => RowMean(G.Node("Abs", new[] { value }));

        private string MeanAbsoluteChange(string u, int lag) => MeanAbsolute(G.Node("Sub", new[] { Slice(u, lag, P, Axis1), Slice(u, 0, P - lag, Axis1) }));

        private string LevelFloor(string u, float share, string name) => G.Node("Mul", new[] { MeanAbsolute(u), G.Floats(name, new[] { share }, 1) });

        private string PlusEpsilon(string value) => G.Node("Add", new[] { value, G.Floats("scale_epsilon", new[] { ForecastLayout.ScaleEpsilon }, 1) });

        /// <summary>The window scalings take u relative to its last value (levels, not differences).</summary>
        private bool Relative => layout.Transform != ForecastTargetTransform.Difference;

        /// <summary>ForecastLayout.Series: the levels ℓ [B, W] of the windows and the network series u (ℓ, or its W − 1 differences).</summary>
        public (string Level, string U) Series(string window)
        {
            string y = G.Node("Reshape", new[] { window, G.Int64s("window_shape", new[] { -1L, W }) });
            batch = G.Node("Shape", new[] { y }, null, Attribute("start", 0L), Attribute("end", 1L));
            string level = layout.Transform == ForecastTargetTransform.Log1p
                ? G.Node("Log", new[] { G.Node("Add", new[] { y, G.Floats("one", new[] { 1f }, 1) }) })
                : y;
            string u = layout.Transform == ForecastTargetTransform.Difference
                ? G.Node("Sub", new[] { Slice(level, 1, W, Axis1), Slice(level, 0, W - 1, Axis1) })
                : level;
            return (level, u);
        }

        /// <summary>ForecastLayout.ScaleOf: (m, s) [B, 1] of the network series ([1] constants under Standard and None).</summary>
        public (string M, string S) ScaleOf(string u)
        {
            switch (layout.Scaling)
            {
                case ForecastScaling.WindowChange when Relative:
                    return (Slice(u, P - 1, P, Axis1), PlusEpsilon(MeanAbsoluteChange(u, 1)));
                case ForecastScaling.SeasonalChange when Relative:
                    return (Slice(u, P - 1, P, Axis1), SeasonalChangeScale(u, "seasonal_change_floor"));
                case ForecastScaling.WindowDeviation when Relative:
                    string m = Slice(u, P - 1, P, Axis1);
                    string centred = G.Node("Sub", new[] { u, RowMean(u) });
                    string deviation = G.Node("Sqrt", new[] { RowMean(G.Node("Mul", new[] { centred, centred })) });
                    return (m, PlusEpsilon(G.Node("Add", new[] { deviation, LevelFloor(u, ForecastLayout.DeviationFloor, "deviation_floor") })));
                case ForecastScaling.WindowMean:
                case ForecastScaling.WindowChange:
                case ForecastScaling.WindowDeviation:
                case ForecastScaling.SeasonalChange:
                    return (Relative ? Slice(u, P - 1, P, Axis1) : G.Floats("zero", new[] { 0f }, 1), PlusEpsilon(MeanAbsolute(u)));
                case ForecastScaling.Standard:
                    return (G.Floats("series_mean", new[] { layout.Mean }, 1), G.Floats("series_scale", new[] { layout.Scale }, 1));
                default:
                    return (G.Floats("zero", new[] { 0f }, 1), G.Floats("one", new[] { 1f }, 1));
            }
        }

        /// <summary>ForecastLayout.IntervalScaleOf: σ [B, 1], the unit of the bounds' half-widths (s itself, the seasonal
        /// change scale of levels, or mean|u| + ε for differences).</summary>
        public string IntervalScaleOf(string u, string s) =>
            layout.IntervalScale == ForecastIntervalScale.NetworkScale || layout.Scaling == ForecastScaling.SeasonalChange ? s
            : Relative ? SeasonalChangeScale(u, "interval_change_floor")
            : PlusEpsilon(MeanAbsolute(u));

        /// <summary>ForecastLayout.SeasonalChangeScale: mean|u_t − u_{t−L}| + 1e-2·mean|u| + 1e-6.</summary>
        private string SeasonalChangeScale(string u, string floorName) =>
            PlusEpsilon(G.Node("Add", new[] { MeanAbsoluteChange(u, layout.ChangeLag), LevelFloor(u, ForecastLayout.SeasonalChangeFloor, floorName) }));

        /// <summary>ForecastLayout.Encode: the frames [B, Steps·F] written to <paramref name="output"/> — past steps
        /// [x, 1, c, calendar, past c, 0…], future steps [0, 0, c, calendar, 0…, seasonal lags]; built as [B, Steps, F].</summary>
        public void Encode(string u, string m, string s, string? covariates, string? pastCovariates, string? timestamps, string output)
        {
            int h = H, p = P, w = W;
            string x = G.Node("Div", new[] { G.Node("Sub", new[] { u, m }), s });
            string column = G.Node("Reshape", new[] { x, G.Int64s("column_shape", new[] { -1L, p, 1L }) });
            var pastParts = new List<string> { column, PerWindow("observed", Enumerable.Repeat(1f, p).ToArray(), p, 1) };
            var futureParts = new List<string> { PerWindow("unobserved", new float[2 * h], h, 2) };
            if (covariates is not null)
            {
                string cov = WriteCovariates(covariates, w + h, layout.Covariates, 0, "covariate");
                pastParts.Add(Slice(cov, w - p, w, Axis1));
                futureParts.Add(Slice(cov, w, w + h, Axis1));
            }
            if (timestamps is not null)
            {
                string calendar = Calendar(timestamps);
                pastParts.Add(Slice(calendar, w - p, w, Axis1));
                futureParts.Add(Slice(calendar, w, w + h, Axis1));
            }
            if (pastCovariates is not null)
            {
                int cp = layout.PastCovariates;
                string past = WriteCovariates(pastCovariates, w, cp, layout.Covariates, "past_covariate");
                pastParts.Add(Slice(past, w - p, w, Axis1));
                futureParts.Add(PerWindow("future_past_covariates", new float[h * cp], h, cp)); // not known after the origin
            }
            if (layout.SeasonalLags > 0)
            {
                // Future step k reads x at the L most recent positions of its season phase; past steps read zeros there.
                int lags = layout.SeasonalLags;
                long[] positions = Enumerable.Range(0, h).SelectMany(k => Enumerable.Range(0, lags).Select(i => (long)layout.LagPosition(k, i))).ToArray();
                string gathered = G.Node("Gather", new[] { x, G.Int64s("seasonal_lag_positions", positions) }, null, Attribute("axis", 1L));
                pastParts.Add(PerWindow("past_lag_zeros", new float[p * lags], p, lags));
                futureParts.Add(G.Node("Reshape", new[] { gathered, G.Int64s("lag_shape", new[] { -1L, h, lags }) }));
            }
            string pastFrames = G.Node("Concat", pastParts.ToArray(), null, Attribute("axis", 2L));
            string futureFrames = futureParts.Count == 1 ? futureParts[0] : G.Node("Concat", futureParts.ToArray(), null, Attribute("axis", 2L));
            string frames = G.Node("Concat", new[] { pastFrames, futureFrames }, null, Attribute("axis", 1L));
            G.Node("Reshape", new[] { frames, G.Int64s("frames_shape", new[] { 0L, -1L }) }, output);
        }

        /// <summary>ForecastLayout.WriteCovariates: standardised values [B, rows, count] (statistics from
        /// <paramref name="offset"/>), relative to the window's last step under the window scalings (ĉ_t − ĉ_T).</summary>
        private string WriteCovariates(string input, long rows, int count, int offset, string name)
        {
            string values = G.Node("Reshape", new[] { input, G.Int64s($"{name}_shape", new[] { -1L, rows, count }) });
            values = G.Node("Div", new[] { G.Node("Sub", new[] { values, G.Floats($"{name}_mean", layout.CovariateMean[offset..(offset + count)], count) }),
                G.Floats($"{name}_scale", layout.CovariateScale[offset..(offset + count)], count) });
            return layout.RelativeCovariates ? G.Node("Sub", new[] { values, Slice(values, W - 1, W, Axis1) }) : values;
        }

        /// <summary>CalendarArithmetic.Write: the sin/cos pairs [B, W + h, 2·|calendar|] of the ticks' phases (an int64
        /// remainder, then float division, as the C# does).</summary>
        private string Calendar(string timestamps)
        {
            string ticks = G.Node("Reshape", new[] { timestamps, G.Int64s("timestamp_shape", new[] { -1L, W + H, 1L }) });
            string Integer(string name, long value) => G.Int64s(name, new[] { value }, scalar: true);
            string Phase(string integer, float period) => G.Node("Div", new[] { G.Node("Cast", new[] { integer }, null, Attribute("to", (long)DataType.Float)), G.Floats("calendar_period", new[] { period }, 1) });
            var pairs = new List<string>();
            foreach (CalendarFeatures feature in CalendarArithmetic.Parts(layout.Calendar))
            {
                string phase = feature switch
                {
                    CalendarFeatures.HourOfDay => Phase(G.Node("Mod", new[] { ticks, Integer("ticks_per_day", CalendarArithmetic.TicksPerDay) }), CalendarArithmetic.TicksPerDay),
                    CalendarFeatures.DayOfWeek => Phase(G.Node("Mod", new[] { G.Node("Div", new[] { ticks, Integer("ticks_per_day", CalendarArithmetic.TicksPerDay) }), Integer("days_per_week", CalendarArithmetic.DaysPerWeek) }), CalendarArithmetic.DaysPerWeek),
                    _ => Phase(G.Node("Mod", new[] { ticks, Integer("ticks_per_year", CalendarArithmetic.TicksPerYear) }), CalendarArithmetic.TicksPerYear),
                };
                string angle = G.Node("Mul", new[] { phase, G.Floats("two_pi", new[] { 2f * MathF.PI }, 1) });
                pairs.Add(G.Node("Sin", new[] { angle }));
                pairs.Add(G.Node("Cos", new[] { angle }));
            }
            return G.Node("Concat", pairs.ToArray(), null, Attribute("axis", 2L));
        }

        /// <summary>ForecastLayout.Baseline: b_k [B, h], the seasonal naive values u at LagPosition(k, 0), or m [B, 1].</summary>
        public string Baseline(string u, string m) => SimpleForecast(u, m, layout.SeasonalBaseline);

        /// <summary>ForecastLayout.Alternative: o_k, m (the last value) when the baseline is seasonal naive, else the seasonal
        /// naive values. m [B, 1] broadcasts over the h steps in <see cref="Levels"/>.</summary>
        public string Alternative(string u, string m) => SimpleForecast(u, m, !layout.SeasonalBaseline);

        /// <summary>ForecastLayout.SimpleForecast: the seasonal naive values u at LagPosition(k, 0) [B, h], or m.</summary>
        private string SimpleForecast(string u, string m, bool seasonal) => seasonal
            ? G.Node("Gather", new[] { u, G.Int64s("seasonal_positions", Enumerable.Range(0, H).Select(k => (long)layout.LagPosition(k, 0)).ToArray()) }, null, Attribute("axis", 1L))
            : m;

        /// <summary>ForecastLayout.Levels: ℓ̂_k [B, h] from the network output z' — z_k = α·z'_k·s + b_k (α left out when
        /// 1), plus γ·(o_k − b_k) when the guard blended in the other simple forecast <paramref name="alternative"/>,
        /// summed onto the last level for Difference.</summary>
        public string Levels(string level, string baseline, string output, string s, string? alternative = null)
        {
            string correction = layout.NetworkWeight == 1f ? output : G.Node("Mul", new[] { output, G.Floats("network_weight", new[] { layout.NetworkWeight }, 1) });
            string z = G.Node("Add", new[] { G.Node("Mul", new[] { correction, s }), baseline });
            if (alternative is not null)
            {
                string shift = G.Node("Mul", new[] { G.Node("Sub", new[] { alternative, baseline }), G.Floats("alternative_weight", new[] { layout.AlternativeWeight }, 1) });
                z = G.Node("Add", new[] { z, shift });
            }
            return layout.Transform == ForecastTargetTransform.Difference
                ? G.Node("Add", new[] { Slice(level, W - 1, W, Axis1), G.Node("CumSum", new[] { z, G.Int64s("cumsum_axis", new[] { 1L }, scalar: true) }) })
                : z;
        }

        /// <summary>The outputs: forecast level⁻¹(ℓ̂), bounds level⁻¹(ℓ̂ ∓ q_k·σ), and σ.</summary>
        public void Bounds(string levels, string sigma, float[] quantiles, string forecast, string lower, string upper, string scaleOutput)
        {
            string margin = G.Node("Mul", new[] { G.Floats("conformal_quantiles", quantiles, 1, H), sigma });
            G.Node("Identity", new[] { sigma }, scaleOutput);
            Unlevel(levels, forecast);
            Unlevel(G.Node("Sub", new[] { levels, margin }), lower);
            Unlevel(G.Node("Add", new[] { levels, margin }), upper);
        }

        /// <summary>ForecastLayout.Unlevel: y = ℓ, or exp(ℓ) − 1 for Log1p, written to <paramref name="name"/>.</summary>
        private void Unlevel(string value, string name)
        {
            if (layout.Transform == ForecastTargetTransform.Log1p) G.Node("Sub", new[] { G.Node("Exp", new[] { value }), G.Floats("one", new[] { 1f }, 1) }, name);
            else G.Node("Identity", new[] { value }, name);
        }
    }
}
