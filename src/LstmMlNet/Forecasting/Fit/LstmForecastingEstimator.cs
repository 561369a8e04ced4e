using LstmMlNet.Data;
using LstmMlNet.Engine;
using LstmMlNet.Forecasting;
using LstmMlNet.Onnx;
using LstmMlNet.Training;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace LstmMlNet;

/// <summary>
/// Trains a recurrent network to forecast the next h values of a series from its last W values (and covariates known in
/// the future, and past covariates over the window), with conformal confidence bounds per horizon step. Created by
/// <c>ml.Forecasting.ForecastByLstm(...)</c>; mirrors <c>ForecastBySsa</c>'s columns: a forecast vector and lower and
/// upper bound vectors of h Single each.
/// <para>Training rows are windows ending anywhere in a series (targets the h values after each window). The last
/// <see cref="LstmForecastingOptions.ValidationTailLength"/> observations of every series are held out: windows whose
/// targets fall in the tail are the validation set (the per-epoch validation loss; early stopping and best weights only
/// when a patience is set, off by default) and calibrate the bounds: for each step k the bound half-width is the
/// ⌈(n + 1)·level⌉-th smallest of the n normalised absolute errors |ℓ − ℓ̂|/σ of those windows (σ the window's interval
/// scale), which gives the stated coverage for new windows exchangeable with the tail's; the forecast engine and
/// <see cref="ForecastBacktest"/> adapt the half-widths to the errors observed after Fit
/// (<see cref="LstmForecastingOptions.IntervalMethod"/>).</para>
/// </summary>
public sealed class LstmForecastingEstimator : IEstimator<LstmForecastingTransformer>
{
    private readonly IHostEnvironment environment;

    internal LstmForecastingEstimator(IHostEnvironment environment, LstmForecastingOptions options)
    {
        this.environment = environment ?? throw new ArgumentNullException(nameof(environment));
        Options = options ?? throw new ArgumentNullException(nameof(options));
        options.Validate();
    }

    /// <summary>The options this estimator fits with.</summary>
    public LstmForecastingOptions Options { get; }

    /// <summary>Report of the last <see cref="Fit"/>; null before the first.</summary>
    public ForecastFitReport? LastFitReport { get; private set; }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        CheckShape(inputSchema, "series", Options.InputColumnName);
        foreach (string name in Options.CovariateColumnNames) CheckShape(inputSchema, "covariate", name);
        foreach (string name in Options.PastCovariateColumnNames) CheckShape(inputSchema, "past covariate", name);
        if (Options.TimestampColumnName is { } time)
        {
            if (!Interop.SchemaShapeColumns.TryFind(inputSchema, time, out var column)) throw SchemaErrors.Missing("timestamp", time);
            if (column.Kind != SchemaShape.Column.VectorKind.Scalar || column.ItemType is not DateTimeDataViewType)
                throw new ArgumentOutOfRangeException("inputSchema", $"The timestamp column '{time}' must be a DateTime scalar; found {column.Kind} of {column.ItemType}.");
        }
        if (Options.SeriesIdColumnName is { } id && !Interop.SchemaShapeColumns.TryFind(inputSchema, id, out _))
            throw SchemaErrors.Missing("series id", id);
        var columns = inputSchema.ToDictionary(c => c.Name);
        foreach (string name in Options.OutputColumnNames)
        {
            columns[name] = Interop.SchemaShapeColumns.Vector(name, NumberDataViewType.Single);
        }
        return new SchemaShape(columns.Values);
    }

    private static void CheckShape(SchemaShape schema, string role, string name)
    {
        if (!Interop.SchemaShapeColumns.TryFind(schema, name, out var column)) throw SchemaErrors.Missing(role, name);
        if (column.Kind != SchemaShape.Column.VectorKind.Scalar || column.ItemType != NumberDataViewType.Single)
            throw new ArgumentOutOfRangeException("inputSchema", $"The {role} column '{name}' must be a Single scalar; found {column.Kind} of {column.ItemType}.");
    }

    /// <summary>Reads the series (rows in time order), trains, calibrates and returns the fitted transformer.</summary>
    public LstmForecastingTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        LstmForecastingOptions o = Options.Clone();
        o.Validate();
        if (o.HasCovariates && o.CovariateWeightDecay is double covariateDecay) o.WeightDecay = covariateDecay;
        o.Scaling = o.EffectiveScaling;
        using IChannel log = environment.Start(nameof(LstmForecastingEstimator));
        int seed = o.Seed ?? environment.Register(nameof(LstmForecastingEstimator)).Rand.Next();
        List<Series> series = SeriesTable.Read(input, o);
        if (series.Count == 0) throw new InvalidOperationException($"The training data has no rows (series column '{o.InputColumnName}').");

        int h = o.Horizon, c = o.CovariateColumnNames.Length;
        int[] tails = series.Select(s => o.TailLength(s.Length)).ToArray();
        ForecastLayout layout = PlanLayout(o, series, tails, log); // season, window, baseline, seasonal inputs, statistics
        int w = layout.WindowSize, period = layout.Season, seasonalPeriod = layout.SeasonalPeriod, seasonalLags = layout.SeasonalLags;
        var (trainWindows, calibrationWindows, allWindows) = ForecastWindows.Collect(layout, series, tails, o.RefitOnAllData);
        if (trainWindows.Count == 0) throw new InvalidOperationException("No complete training window: the series are too short for the window, horizon and validation tail.");
        SequenceDataset train = trainWindows.ToDataset();
        SequenceDataset validation = calibrationWindows.ToDataset();
        SequenceDataset monitored = MonitoredSample(validation, o.WindowsPerEpoch, seed);
        log.Info(MessageSensitivity.None, $"ForecastByLstm: {series.Count} series, {train.Count} training windows, {validation.Count} validation/calibration windows (W={w}, h={h}, covariates {c}, season {period}, baseline {(seasonalPeriod > 0 ? "seasonal naive" : "last value")}, seasonal inputs {seasonalLags})");
        o.RowsPerEpoch = o.WindowsPerEpoch;
        if (o.WindowsPerEpoch > 0 && train.Count > o.WindowsPerEpoch)
            log.Info(MessageSensitivity.None, $"ForecastByLstm: each epoch trains on {o.WindowsPerEpoch} of the {train.Count} training windows (a fresh uniform draw per epoch)");

        int epochs = o.EpochsFor(train.Count);
        if (epochs > o.Epochs)
        {
            log.Info(MessageSensitivity.None, $"ForecastByLstm: {epochs} epochs instead of {o.Epochs}, for at least {o.MinimumOptimizerSteps} optimiser steps over {train.Count} windows");
            o.Epochs = epochs;
        }

        Device device = Engine.TorchRuntime.SelectDevice(environment);
        // After the device, whose selection reports a missing TorchSharp backend clearly: every tensor this Fit makes belongs
        // to this scope (the batches' own scopes nest inside it), so a temporary made outside a batch (the weights read for
        // the export, the best epoch's snapshot, a view) stays reachable until Fit returns and no finaliser frees its
        // native handle while libtorch still reads it.
        using var tensors = TorchSharp.torch.NewDisposeScope();
        NetworkSpec spec = o.Network.ApplyTo(new NetworkSpec(new FrameInput(layout.FrameSize, StepSkip: layout.FrameSize > 2), 1, Pooling: PoolingKind.Last));
        // A network trained from the seed, returned on the CPU; disposed if training throws.
        SequenceNetwork Train(SequenceDataset data, SequenceDataset? check, LstmForecastingOptions options, out TrainingResult result)
        {
            random.manual_seed(seed);
            var trained = new SequenceNetwork(spec);
            try
            {
                trained.to(device);
                result = TrainingLoop.Run(trained, new ForecastObjective(h, options.Loss), data, check, options, seed, device, log);
                return trained.to(CPU);
            }
            catch
            {
                trained.Dispose(); // cancelled or failed: nothing else holds it
                throw;
            }
        }

        var network = Train(train, monitored, o, out TrainingResult result);
        (float Weight, double NetworkError, double BaselineError)? guard = null;
        try
        {

            float[] outputs = Outputs(network, calibrationWindows);
            float[][] scores = Errors(layout, calibrationWindows, outputs); // the network's (α = 1)
            if (o.BaselineGuard && calibrationWindows.Count > 0)
            {
                float[][][] errors = GuardWeights.Select(a => a == 1f ? scores : Errors(layout with { NetworkWeight = a }, calibrationWindows, outputs)).ToArray();
                float weight = GuardWeights[ChooseWeight(errors)];
                double Mean(float[][] e) => e.Average(step => step.Average(v => (double)v));
                guard = (weight, Mean(scores), Mean(errors[0]));
                layout = layout with { NetworkWeight = weight };
                if (weight != 1f) scores = Larger(scores, errors[0]);
                string baselineName = seasonalPeriod > 0 ? $"seasonal naive (period {seasonalPeriod})" : "last value";
                log.Info(MessageSensitivity.None, FormattableString.Invariant(
                    $"ForecastByLstm: baseline guard on the {calibrationWindows.Count} validation windows: mean |error|/σ network {guard.Value.NetworkError:G4}, {baselineName} {guard.Value.BaselineError:G4}; ") +
                    (weight == 1f ? "forecasting with the network"
                        : weight == 0f ? $"the network does not beat the {baselineName} forecast: forecasting with the {baselineName} forecast alone"
                        : FormattableString.Invariant($"forecasting with the {baselineName} forecast plus {weight:G2} of the network's correction")));
            }
            float[] quantiles = Calibrate(scores, o.ConfidenceLevel);
            if (o.RefitOnAllData)
            {
                // The same network trained again, from the same seed and for the epochs the first fit kept, on every complete
                // window (the tail included); the bounds keep the first fit's calibration.
                LstmForecastingOptions refit = o.Clone();
                refit.Epochs = Math.Max(1, result.BestEpoch);
                refit.EarlyStoppingPatience = 0;
                refit.RestoreBestWeights = false;
                SequenceNetwork second = Train(allWindows!.ToDataset(), null, refit, out _);
                network.Dispose();
                network = second;
                log.Info(MessageSensitivity.None, $"ForecastByLstm: refitted on all {allWindows.Count} windows for {refit.Epochs} epochs");
            }
            log.Info(MessageSensitivity.None, $"ForecastByLstm: conformal half-widths (× interval scale σ) per step: {string.Join(", ", quantiles.Select(q => q.ToString("G3", System.Globalization.CultureInfo.InvariantCulture)))}");
            var metadata = new Dictionary<string, string>
            {
                ["lstmmlnet.series_column"] = o.InputColumnName,
                ["lstmmlnet.covariate_columns"] = string.Join(",", o.CovariateColumnNames),
                ["lstmmlnet.past_covariate_columns"] = string.Join(",", o.PastCovariateColumnNames),
                ["lstmmlnet.timestamp_column"] = o.TimestampColumnName ?? string.Empty,
                ["lstmmlnet.confidence_level"] = o.ConfidenceLevel.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
            };
            byte[] onnx = ForecastGraph.Export(network, layout, quantiles, o.OutputColumnName, o.ConfidenceLowerBoundColumn, o.ConfidenceUpperBoundColumn, metadata);
            LastFitReport = new ForecastFitReport(result.History, result.BestEpoch, result.StoppedEarly, network.ParameterCount(),
                series.Count, train.Count, validation.Count, quantiles, w, period, seasonalPeriod, layout.Calendar)
            {
                NetworkWeight = layout.NetworkWeight,
                NetworkValidationError = guard?.NetworkError,
                BaselineValidationError = guard?.BaselineError,
            };
            var states = series.ToDictionary(s => s.Id, s => SeriesState.FromEnd(s, layout), StringComparer.Ordinal);
            return new LstmForecastingTransformer(environment, o, layout, onnx, states, LastFitReport);
        }
        finally
        {
            network.Dispose();
        }
    }

    /// <summary>The layout of a fit, with <paramref name="o"/>'s window set: the season (declared or detected), the window
    /// (given or derived), the checks that every series holds a window, a horizon and its tail, the baseline, the seasonal
    /// inputs, and the scaling statistics of the training rows.</summary>
    private static ForecastLayout PlanLayout(LstmForecastingOptions o, List<Series> series, int[] tails, IChannel log)
    {
        int h = o.Horizon;
        if (tails.Min() < h)
            throw new InvalidOperationException($"ValidationTailLength {tails.Min()} is shorter than the horizon {h}: no validation window would be complete.");
        // The levels ℓ of every series' training part, computed once for the season and the baseline.
        float[][] levels = series.Select((s, i) =>
        {
            var l = new float[Math.Max(0, s.Length - tails[i])];
            for (int t = 0; t < l.Length; t++) l[t] = ForecastLayout.Level(o.TargetTransform, s.Values[t]);
            return l;
        }).ToArray();
        int period = ResolveSeasonality(o, levels, log);
        int w = ResolveWindow(o, levels, period, log);
        o.WindowSize = w;
        for (int i = 0; i < series.Count; i++)
        {
            Series s = series[i];
            int needed = w + h + tails[i];
            if (s.Length < needed)
            {
                throw new InvalidOperationException(
                    $"Series {Describe(s)} has {s.Length} observations; window {w} + horizon {h} + validation tail {tails[i]} need at least {needed}. " +
                    "Use a shorter window, horizon or ValidationTailLength, or more data." + o.TailCause(s.Length));
            }
        }
        bool seasonalBaseline = ChooseSeasonalBaseline(o, levels, period, w, log);
        int seasonalLags = o.SeasonalInputs && period >= 2 && o.TargetTransform != ForecastTargetTransform.Difference
            ? Math.Min(w / period, LstmForecastingOptions.MaximumSeasonalInputs) : 0;
        var (calendar, step) = ResolveCalendar(o, series, tails, log);
        return FitLayout(o, series, tails) with
        {
            Season = period, SeasonalNaiveBaseline = seasonalBaseline, SeasonalLags = seasonalLags, IntervalScale = o.IntervalScale,
            Calendar = calendar, StepTicks = step,
        };
    }

    /// <summary>The calendar inputs (declared, or chosen from the step and the span of the training rows) and the model's
    /// step in ticks (the most common gap between consecutive rows of the series; 0 without a timestamp column).</summary>
    private static (CalendarFeatures Calendar, long Step) ResolveCalendar(LstmForecastingOptions o, List<Series> series, int[] tails, IChannel log)
    {
        if (o.TimestampColumnName is null) return (CalendarFeatures.None, 0);
        var gaps = new Dictionary<long, int>();
        long span = 0;
        for (int i = 0; i < series.Count; i++)
        {
            long[] times = series[i].Timestamps;
            for (int t = 1; t < times.Length; t++) gaps[times[t] - times[t - 1]] = gaps.GetValueOrDefault(times[t] - times[t - 1]) + 1;
            int trainEnd = series[i].Length - tails[i];
            if (trainEnd >= 2) span = Math.Max(span, times[trainEnd - 1] - times[0]);
        }
        long step = gaps.Count == 0 ? TimeSpan.TicksPerDay : gaps.OrderByDescending(g => g.Value).ThenBy(g => g.Key).First().Key;
        CalendarFeatures calendar = o.CalendarFeatures ?? CalendarArithmetic.Automatic(TimeSpan.FromTicks(step), TimeSpan.FromTicks(span));
        log.Info(MessageSensitivity.None, $"ForecastByLstm: calendar inputs {calendar} from '{o.TimestampColumnName}' (step {TimeSpan.FromTicks(step)}, training span {TimeSpan.FromTicks(span).TotalDays:F0} days{(o.CalendarFeatures is null ? "; automatic, set CalendarFeatures to choose" : string.Empty)})");
        return (calendar, step);
    }

    /// <summary>The validation windows the loop scores every epoch (the reported validation loss; early stopping when asked):
    /// all of them, or with a per-epoch draw of training windows a fixed seeded sample of at most a quarter of that many,
    /// so an epoch's cost does not grow with the data. The bounds are calibrated on every calibration window.</summary>
    private static SequenceDataset MonitoredSample(SequenceDataset validation, int windowsPerEpoch, int seed)
    {
        int size = Math.Max(1, windowsPerEpoch / 4);
        if (windowsPerEpoch <= 0 || validation.Count <= size) return validation;
        int[] order = Enumerable.Range(0, validation.Count).ToArray();
        new Random(seed).Shuffle(order);
        return validation.Subset(order[..size]);
    }

    /// <summary>The declared season, or the one detected on the training levels of the series (1 = none).</summary>
    private static int ResolveSeasonality(LstmForecastingOptions o, float[][] levels, IChannel log)
    {
        if (o.Seasonality > 0) return o.Seasonality;
        int shortest = levels.Min(l => l.Length);
        int period = SeasonalityDetector.Detect(levels, Math.Min(MaximumDetectedSeason, shortest / 3));
        log.Info(MessageSensitivity.None, period >= 2
            ? $"ForecastByLstm: detected a season of {period} steps (set Seasonality to override)"
            : "ForecastByLstm: no season detected (set Seasonality to declare one)");
        return period;
    }

    /// <summary>Whether the network corrects the seasonal naive forecast rather than the last value
    /// (<see cref="ForecastBaseline"/>); Automatic compares their h-step errors over every origin of the training levels.</summary>
    private static bool ChooseSeasonalBaseline(LstmForecastingOptions o, float[][] levels, int period, int w, IChannel log)
    {
        if (o.Baseline == ForecastBaseline.LastValue || period < 2 || period > w || o.TargetTransform == ForecastTargetTransform.Difference) return false;
        if (o.Baseline == ForecastBaseline.SeasonalNaive) return true;
        int h = o.Horizon;
        double naive = 0, seasonal = 0;
        foreach (float[] y in levels)
        {
            for (int origin = period; origin + h <= y.Length; origin++)
            {
                float last = y[origin - 1];
                for (int k = 0; k < h; k++)
                {
                    naive += Math.Abs(y[origin + k] - last);
                    seasonal += Math.Abs(y[origin + k] - y[origin - period + k % period]);
                }
            }
        }
        bool useSeasonal = seasonal < naive;
        log.Info(MessageSensitivity.None, $"ForecastByLstm: baseline {(useSeasonal ? $"seasonal naive (period {period})" : "last value")}: " +
            $"training-part h-step errors seasonal naive {seasonal:G4} vs last value {naive:G4} (set Baseline to choose)");
        return useSeasonal;
    }

    /// <summary>Longest season the detector looks for, in steps.</summary>
    internal const int MaximumDetectedSeason = 400;

    /// <summary>The given window, or the automatic one (<see cref="LstmForecastingOptions.WindowSize"/>).</summary>
    private static int ResolveWindow(LstmForecastingOptions o, float[][] levels, int period, IChannel log)
    {
        if (o.WindowSize > 0) return o.WindowSize;
        int shortest = levels.Min(l => l.Length);
        int w = LstmForecastingOptions.AutomaticWindow(period, o.Horizon, shortest);
        log.Info(MessageSensitivity.None, $"ForecastByLstm: window {w} (automatic: season {period}, horizon {o.Horizon}, shortest training part {shortest})");
        return w;
    }

    internal static string Describe(Series s) => s.Id.Length == 0 ? "(the only series)" : $"'{s.Id}'";

    /// <summary>Standard-scaling and covariate statistics from the training part of every series only.</summary>
    private static ForecastLayout FitLayout(LstmForecastingOptions o, List<Series> series, int[] tails)
    {
        int c = o.CovariateColumnNames.Length, cp = o.PastCovariateColumnNames.Length, all = c + cp;
        var probe = new ForecastLayout(o.WindowSize, o.Horizon, c, o.TargetTransform, ForecastScaling.None, 0, 1, new float[all], Enumerable.Repeat(1f, all).ToArray(), PastCovariates: cp);
        double sum = 0, sumSq = 0;
        long count = 0;
        var cSum = new double[all];
        var cSq = new double[all];
        long rows = 0;
        for (int i = 0; i < series.Count; i++)
        {
            int trainEnd = series[i].Length - tails[i];
            float[] u = probe.Series(series[i].Values.AsSpan(0, trainEnd));
            foreach (float v in u) { sum += v; sumSq += (double)v * v; count++; }
            for (int t = 0; t < trainEnd; t++)
            {
                for (int k = 0; k < all; k++)
                {
                    double v = k < c ? series[i].Covariates[t * c + k] : series[i].PastCovariates[t * cp + k - c];
                    cSum[k] += v;
                    cSq[k] += v * v;
                }
                rows++;
            }
        }
        (float Mean, float Scale) Stats(double s1, double s2, long n)
        {
            double mean = s1 / n;
            double sd = Math.Sqrt(Math.Max(0, s2 / n - mean * mean));
            return ((float)mean, sd > 1e-8 ? (float)sd : 1f); // a constant column keeps scale 1 (documented)
        }
        var (mean, scale) = Stats(sum, sumSq, count);
        var covMean = new float[all];
        var covScale = new float[all];
        for (int k = 0; k < all; k++) (covMean[k], covScale[k]) = Stats(cSum[k], cSq[k], rows);
        return probe with { Scaling = o.Scaling, Mean = mean, Scale = scale, CovariateMean = covMean, CovariateScale = covScale };
    }

    /// <summary>The network's outputs z' for every window of <paramref name="windows"/>, h per window, in window order.</summary>
    private static float[] Outputs(SequenceNetwork network, ForecastWindows windows)
    {
        ForecastLayout layout = windows.Layout;
        int h = layout.Horizon, perWindow = layout.Steps * layout.FrameSize, n = windows.Count;
        var outputs = new float[n * h];
        using var noGrad = no_grad();
        const int batch = 256;
        for (int start = 0; start < n; start += batch)
        {
            using var scope = NewDisposeScope();
            int b = Math.Min(batch, n - start);
            var values = new float[b * perWindow];
            for (int j = 0; j < b; j++) windows.Frames[start + j].CopyTo(values, j * perWindow);
            Tensor input = tensor(values, new long[] { b, layout.Steps, layout.FrameSize });
            Tensor lengths = TorchScalars.Full(new long[] { b }, layout.Steps, ScalarType.Int64);
            ForecastObjective.Predict(network, input, lengths, h).data<float>().CopyTo(outputs, start * h);
        }
        return outputs;
    }

    /// <summary>The normalised level errors |ℓ − ℓ̂| / σ of every window and step of <paramref name="windows"/> when
    /// <paramref name="layout"/> (its network weight included) decodes <paramref name="outputs"/>: [step][window].</summary>
    private static float[][] Errors(ForecastLayout layout, ForecastWindows windows, float[] outputs)
    {
        int h = layout.Horizon, w = layout.WindowSize, n = windows.Count;
        var errors = new float[h][];
        for (int k = 0; k < h; k++) errors[k] = new float[n];
        for (int j = 0; j < n; j++)
        {
            var (s, end, m, scale) = windows.Origins[j];
            ReadOnlySpan<float> window = s.Values.AsSpan(end - w, w);
            float[] levels = layout.Levels(window, outputs.AsSpan(j * h, h), m, scale);
            float sigma = layout.IntervalScaleOf(layout.Series(window), scale);
            for (int k = 0; k < h; k++) errors[k][j] = MathF.Abs(layout.Level(s.Values[end + k]) - levels[k]) / sigma;
        }
        return errors;
    }

    /// <summary>The weights of the network's correction the baseline guard chooses among: the baseline alone, three
    /// blends, the network.</summary>
    internal static readonly float[] GuardWeights = { 0f, 0.25f, 0.5f, 0.75f, 1f };

    /// <summary>The baseline guard: the index in <see cref="GuardWeights"/> whose forecasts b + α·s·z' have the lowest mean
    /// normalised absolute error (<paramref name="errors"/>: [weight][step][window], from <see cref="Errors"/>) over the
    /// validation tails; a tie keeps the larger weight.</summary>
    private static int ChooseWeight(float[][][] errors)
    {
        double[] mean = errors.Select(e => e.Average(step => step.Average(v => (double)v))).ToArray();
        int best = mean.Length - 1;
        for (int i = mean.Length - 2; i >= 0; i--) if (mean[i] < mean[best]) best = i;
        return best;
    }

    /// <summary>The larger of two errors per step and window: with a weight α &lt; 1 chosen on the calibration windows (the
    /// baseline guard), the score of a window is the larger of the network's and the baseline's errors, which bounds the
    /// error of every blend of the two (|α·e₁ + (1 − α)·e₀| ≤ max(|e₁|, |e₀|)) and does not depend on which α was chosen:
    /// the bounds stay honest after the choice, at some width. The tails are few and their windows overlap, so
    /// calibrating on the chosen blend's own errors made the bounds optimistic (airline backtest: coverage 0.83 at a 95%
    /// level).</summary>
    private static float[][] Larger(float[][] a, float[][] b) =>
        a.Select((step, k) => step.Select((v, j) => MathF.Max(v, b[k][j])).ToArray()).ToArray();

    /// <summary>Split-conformal half-widths per horizon step, in units of each window's interval scale σ, from the calibration
    /// windows' normalised errors <paramref name="scores"/> ([step][window]): the ⌈(n + 1)·level⌉-th smallest of each step.</summary>
    private static float[] Calibrate(float[][] scores, float level)
    {
        int n = scores[0].Length;
        int rank = (int)Math.Ceiling((n + 1) * (double)level);
        if (rank > n)
        {
            throw new InvalidOperationException(
                $"Only {n} calibration windows for confidence level {level}: split-conformal bounds need at least {(int)Math.Ceiling(level / (1 - level))}. " +
                "Lengthen ValidationTailLength or lower ConfidenceLevel.");
        }
        return scores.Select(step => step.Order().ElementAt(rank - 1)).ToArray();
    }
}
