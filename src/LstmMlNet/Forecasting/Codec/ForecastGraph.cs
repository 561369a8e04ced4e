using System.Globalization;
using LstmMlNet.Engine;
using LstmMlNet.Forecasting;
using LstmMlNet.Onnx.Protobuf;
using static LstmMlNet.Onnx.OnnxGraphBuilder;
using DataType = LstmMlNet.Onnx.Protobuf.TensorProto.Types.DataType;

namespace LstmMlNet.Onnx;

/// <summary>
/// Writes a trained forecasting network as one ONNX model that does everything <see cref="ForecastLayout"/> describes:
/// inputs <c>Window</c> float [1, W] (raw observations, oldest first) and, with covariates, <c>Covariates</c> float
/// [1, (W + h)·C] (step-major, window steps then horizon steps), with past covariates <c>PastCovariates</c> float
/// [1, W·Cp], with calendar inputs <c>Timestamps</c> int64 [1, W + h] (ticks); outputs the forecast and the lower and upper bounds,
/// float [1, h] each, named like the user's columns, and the window's interval scale σ, float [1, 1]
/// (<see cref="IntervalScaleOutput"/>). The network part is <see cref="OnnxExporter"/>'s graph, fed by the
/// pre-processing nodes and followed by the decoding and bound nodes.
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
    private const string NetworkOutput = "lstm_network_output";

    public static byte[] Export(SequenceNetwork network, ForecastLayout layout, float[] quantiles,
        string forecastName, string lowerName, string upperName, IReadOnlyDictionary<string, string> metadata)
    {
        if (quantiles.Length != layout.Horizon) throw new ArgumentException($"One quantile per horizon step ({layout.Horizon}) is needed.", nameof(quantiles));
        byte[] networkBytes = OnnxExporter.Export(network, new OnnxExportOptions(OnnxHead.Identity, InputName: NetworkInput, ScoreName: NetworkOutput, StepOutputs: layout.Horizon));
        ModelProto inner = ModelProto.Parser.ParseFrom(networkBytes);

        var g = new OnnxGraphBuilder("LstmMlNetForecast");
        foreach (var init in inner.Graph.Initializer) g.Reserve(init.Name);
        foreach (var node in inner.Graph.Node)
        {
            foreach (string output in node.Output) g.Reserve(output);
            g.Reserve(node.Name);
        }
        g.Reserve(NetworkInput);
        string window = g.Reserve(WindowInput);
        string? covariates = layout.Covariates > 0 ? g.Reserve(CovariatesInput) : null;
        string? pastCovariates = layout.PastCovariates > 0 ? g.Reserve(PastCovariatesInput) : null;
        string? timestamps = layout.HasTimestamps ? g.Reserve(TimestampsInput) : null;
        string forecast = g.Reserve(forecastName);
        string lower = g.Reserve(lowerName);
        string upper = g.Reserve(upperName);
        string scaleOutput = g.Reserve(IntervalScaleOutput);

        int w = layout.WindowSize, h = layout.Horizon, c = layout.Covariates, p = layout.PastSteps;
        string axis1 = g.Int64s("axis1", new[] { 1L });
        string Slice(string x, long start, long end, string axis) =>
            g.Node("Slice", new[] { x, g.Int64s("start", new[] { start }), g.Int64s("end", new[] { end }), axis });

        // Pre-processing: Window [1, W] → network frames [1, Steps·F].
        string y = g.Node("Reshape", new[] { window, g.Int64s("window_shape", new[] { 1L, w }) });
        string level = layout.Transform == ForecastTargetTransform.Log1p
            ? g.Node("Log", new[] { g.Node("Add", new[] { y, g.Floats("one", new[] { 1f }, 1) }) })
            : y;
        string u = layout.Transform == ForecastTargetTransform.Difference
            ? g.Node("Sub", new[] { Slice(level, 1, w, axis1), Slice(level, 0, w - 1, axis1) })
            : level;
        string RowMean(string value) => g.Node("ReduceMean", new[] { value }, null, Attribute("axes", new[] { 1L }), Attribute("keepdims", 1L));
        string MeanAbsolute(string value) => RowMean(g.Node("Abs", new[] { value }));
        string MeanAbsoluteChange(int lag) => MeanAbsolute(g.Node("Sub", new[] { Slice(u, lag, p, axis1), Slice(u, 0, p - lag, axis1) }));
        string LevelFloor(float share, string name) => g.Node("Mul", new[] { MeanAbsolute(u), g.Floats(name, new[] { share }, 1) });
        string PlusEpsilon(string value) => g.Node("Add", new[] { value, g.Floats("scale_epsilon", new[] { ForecastLayout.ScaleEpsilon }, 1) });
        bool relative = layout.Transform != ForecastTargetTransform.Difference; // the window scalings take u relative to its last value
        string m, s;
        switch (layout.Scaling)
        {
            case ForecastScaling.WindowChange when relative:
                m = Slice(u, p - 1, p, axis1);
                s = PlusEpsilon(MeanAbsoluteChange(1));
                break;
            case ForecastScaling.SeasonalChange when relative:
                m = Slice(u, p - 1, p, axis1);
                s = PlusEpsilon(g.Node("Add", new[] { MeanAbsoluteChange(layout.ChangeLag), LevelFloor(ForecastLayout.SeasonalChangeFloor, "seasonal_change_floor") }));
                break;
            case ForecastScaling.WindowDeviation when relative:
                m = Slice(u, p - 1, p, axis1);
                string centred = g.Node("Sub", new[] { u, RowMean(u) });
                string deviation = g.Node("Sqrt", new[] { RowMean(g.Node("Mul", new[] { centred, centred })) });
                s = PlusEpsilon(g.Node("Add", new[] { deviation, LevelFloor(ForecastLayout.DeviationFloor, "deviation_floor") }));
                break;
            case ForecastScaling.WindowMean:
            case ForecastScaling.WindowChange:
            case ForecastScaling.WindowDeviation:
            case ForecastScaling.SeasonalChange:
                m = relative ? Slice(u, p - 1, p, axis1) : g.Floats("zero", new[] { 0f }, 1);
                s = PlusEpsilon(MeanAbsolute(u));
                break;
            case ForecastScaling.Standard:
                m = g.Floats("series_mean", new[] { layout.Mean }, 1);
                s = g.Floats("series_scale", new[] { layout.Scale }, 1);
                break;
            default:
                m = g.Floats("zero", new[] { 0f }, 1);
                s = g.Floats("one", new[] { 1f }, 1);
                break;
        }
        // The interval scale σ the half-widths are in units of (ForecastLayout.IntervalScaleOf).
        string sigma = layout.IntervalScale == ForecastIntervalScale.NetworkScale || layout.Scaling == ForecastScaling.SeasonalChange
            ? s
            : relative
                ? PlusEpsilon(g.Node("Add", new[] { MeanAbsoluteChange(layout.ChangeLag), LevelFloor(ForecastLayout.SeasonalChangeFloor, "interval_change_floor") }))
                : PlusEpsilon(MeanAbsolute(u));
        // A NaN or infinite value in the window or the covariates makes the forecast, both bounds and σ NaN (OnnxInputGuards).
        string nonFinite = OnnxInputGuards.NonFinite(g, new[] { window, covariates, pastCovariates }.Where(v => v is not null).Select(v => v!).ToArray());
        bool shared = sigma == s;
        s = OnnxInputGuards.NanWhere(g, nonFinite, s);
        sigma = shared ? s : OnnxInputGuards.NanWhere(g, nonFinite, sigma);
        string x = g.Node("Div", new[] { g.Node("Sub", new[] { u, m }), s });
        string column = g.Node("Reshape", new[] { x, g.Int64s("column_shape", new[] { (long)p, 1L }) });
        var pastParts = new List<string> { column, g.Floats("observed", Enumerable.Repeat(1f, p).ToArray(), p, 1) };
        var futureParts = new List<string> { g.Floats("unobserved", new float[2 * h], h, 2) };
        string? axis0Value = null;
        string axis0() => axis0Value ??= g.Int64s("axis0", new[] { 0L });
        // Standardised (and, under the window scalings, relative to the window's last step) values [rows, count].
        string Standardised(string input, long rows, int count, int offset, string name)
        {
            string values = g.Node("Reshape", new[] { input, g.Int64s($"{name}_shape", new[] { rows, count }) });
            values = g.Node("Div", new[] { g.Node("Sub", new[] { values, g.Floats($"{name}_mean", layout.CovariateMean[offset..(offset + count)], count) }),
                g.Floats($"{name}_scale", layout.CovariateScale[offset..(offset + count)], count) });
            return layout.RelativeCovariates ? g.Node("Sub", new[] { values, Slice(values, w - 1, w, axis0()) }) : values; // ĉ_t − ĉ_T
        }
        if (covariates is not null)
        {
            string cov = Standardised(covariates, w + h, c, 0, "covariate");
            pastParts.Add(Slice(cov, w - p, w, axis0()));
            futureParts.Add(Slice(cov, w, w + h, axis0()));
        }
        if (timestamps is not null)
        {
            // Calendar phases of the W + h ticks (Calendar.Phase: an int64 remainder, then float division), as sin/cos pairs.
            string ticks = g.Node("Reshape", new[] { timestamps, g.Int64s("timestamp_shape", new[] { (long)(w + h), 1L }) });
            string Integer(string name, long value) => g.Int64s(name, new[] { value }, scalar: true);
            string Phase(string integer, float period) => g.Node("Div", new[] { g.Node("Cast", new[] { integer }, null, Attribute("to", (long)DataType.Float)), g.Floats("calendar_period", new[] { period }, 1) });
            var pairs = new List<string>();
            foreach (CalendarFeatures feature in CalendarArithmetic.Parts(layout.Calendar))
            {
                string phase = feature switch
                {
                    CalendarFeatures.HourOfDay => Phase(g.Node("Mod", new[] { ticks, Integer("ticks_per_day", CalendarArithmetic.TicksPerDay) }), CalendarArithmetic.TicksPerDay),
                    CalendarFeatures.DayOfWeek => Phase(g.Node("Mod", new[] { g.Node("Div", new[] { ticks, Integer("ticks_per_day", CalendarArithmetic.TicksPerDay) }), Integer("days_per_week", CalendarArithmetic.DaysPerWeek) }), CalendarArithmetic.DaysPerWeek),
                    _ => Phase(g.Node("Mod", new[] { ticks, Integer("ticks_per_year", CalendarArithmetic.TicksPerYear) }), CalendarArithmetic.TicksPerYear),
                };
                string angle = g.Node("Mul", new[] { phase, g.Floats("two_pi", new[] { 2f * MathF.PI }, 1) });
                pairs.Add(g.Node("Sin", new[] { angle }));
                pairs.Add(g.Node("Cos", new[] { angle }));
            }
            string calendar = g.Node("Concat", pairs.ToArray(), null, Attribute("axis", 1L));
            pastParts.Add(Slice(calendar, w - p, w, axis0()));
            futureParts.Add(Slice(calendar, w, w + h, axis0()));
        }
        if (pastCovariates is not null)
        {
            int cp = layout.PastCovariates;
            string past = Standardised(pastCovariates, w, cp, c, "past_covariate");
            pastParts.Add(Slice(past, w - p, w, axis0()));
            futureParts.Add(g.Floats("future_past_covariates", new float[h * cp], h, cp)); // not known after the origin
        }
        if (layout.SeasonalLags > 0)
        {
            // Future step k reads x at the L most recent positions of its season phase; past steps read zeros there.
            int lags = layout.SeasonalLags;
            long[] positions = Enumerable.Range(0, h).SelectMany(k => Enumerable.Range(0, lags).Select(i => (long)layout.LagPosition(k, i))).ToArray();
            string gathered = g.Node("Gather", new[] { x, g.Int64s("seasonal_lag_positions", positions) }, null, Attribute("axis", 1L));
            pastParts.Add(g.Floats("past_lag_zeros", new float[p * lags], p, lags));
            futureParts.Add(g.Node("Reshape", new[] { gathered, g.Int64s("lag_shape", new[] { (long)h, lags }) }));
        }
        string pastFrames = g.Node("Concat", pastParts.ToArray(), null, Attribute("axis", 1L));
        string futureFrames = futureParts.Count == 1 ? futureParts[0] : g.Node("Concat", futureParts.ToArray(), null, Attribute("axis", 1L));
        string frames = g.Node("Concat", new[] { pastFrames, futureFrames }, null, Attribute("axis", 0L));
        g.Node("Reshape", new[] { frames, g.Int64s("frames_shape", new[] { 1L, -1L }) }, NetworkInput);

        // The network.
        g.Graph.Initializer.AddRange(inner.Graph.Initializer);
        g.Graph.Node.AddRange(inner.Graph.Node);

        // Decoding: [1, h] network output → levels → forecast and bounds.
        // Baselines b_k: the seasonal naive values u at LagPosition(k, 0) gathered from the window, or m.
        string baseline = layout.SeasonalBaseline
            ? g.Node("Gather", new[] { u, g.Int64s("seasonal_positions", Enumerable.Range(0, h).Select(k => (long)layout.LagPosition(k, 0)).ToArray()) }, null, Attribute("axis", 1L))
            : m;
        // z_k = α·z'_k·s + b_k; α (the network's weight, chosen on validation) is left out of the graph when it is 1.
        string correction = layout.NetworkWeight == 1f ? NetworkOutput : g.Node("Mul", new[] { NetworkOutput, g.Floats("network_weight", new[] { layout.NetworkWeight }, 1) });
        string z = g.Node("Add", new[] { g.Node("Mul", new[] { correction, s }), baseline });
        string levels = layout.Transform == ForecastTargetTransform.Difference
            ? g.Node("Add", new[] { Slice(level, w - 1, w, axis1), g.Node("CumSum", new[] { z, g.Int64s("cumsum_axis", new[] { 1L }, scalar: true) }) })
            : z;
        string margin = g.Node("Mul", new[] { g.Floats("conformal_quantiles", quantiles, 1, h), sigma });
        g.Node("Identity", new[] { sigma }, scaleOutput);
        string Unlevel(string value, string? name) => layout.Transform == ForecastTargetTransform.Log1p
            ? g.Node("Sub", new[] { g.Node("Exp", new[] { value }), g.Floats("one", new[] { 1f }, 1) }, name)
            : g.Node("Identity", new[] { value }, name);
        Unlevel(levels, forecast);
        Unlevel(g.Node("Sub", new[] { levels, margin }), lower);
        Unlevel(g.Node("Add", new[] { levels, margin }), upper);

        g.Graph.Input.Add(Value(window, DataType.Float, 1L, (long)w));
        if (covariates is not null) g.Graph.Input.Add(Value(covariates, DataType.Float, 1L, (long)((w + h) * c)));
        if (pastCovariates is not null) g.Graph.Input.Add(Value(pastCovariates, DataType.Float, 1L, (long)layout.PastCovariateValues));
        if (timestamps is not null) g.Graph.Input.Add(Value(timestamps, DataType.Int64, 1L, (long)(w + h)));
        foreach (string output in new[] { forecast, lower, upper }) g.Graph.Output.Add(Value(output, DataType.Float, 1L, (long)h));
        g.Graph.Output.Add(Value(scaleOutput, DataType.Float, 1L, 1L));

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
        entries["lstmmlnet.window_size"] = w.ToString(CultureInfo.InvariantCulture);
        entries["lstmmlnet.horizon"] = h.ToString(CultureInfo.InvariantCulture);
        entries["lstmmlnet.covariates"] = c.ToString(CultureInfo.InvariantCulture);
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
        LstmModelChecksum.Stamp(model); // the whole forecasting model's checksum, replacing the inner network's
        return Google.Protobuf.MessageExtensions.ToByteArray(model);
    }
}
