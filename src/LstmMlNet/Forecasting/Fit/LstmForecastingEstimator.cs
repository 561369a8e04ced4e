using System.Globalization;
using TorchSharp;
using LstmMlNet.Data;
using LstmMlNet.Engine;
using LstmMlNet.Forecasting;
using LstmMlNet.Onnx;
using LstmMlNet.Training;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
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
        foreach (var (role, name, kind) in SeriesTable.Columns(Options)) CheckShape(inputSchema, role, name, kind);
        var columns = inputSchema.ToDictionary(c => c.Name);
        foreach (string name in Options.OutputColumnNames)
        {
            columns[name] = Interop.SchemaShapeColumns.Vector(name, NumberDataViewType.Single);
        }
        return new SchemaShape(columns.Values);
    }

    /// <summary>The SchemaShape form of <see cref="SeriesTable.CheckSchema"/>, over the same column list.</summary>
    private static void CheckShape(SchemaShape schema, string role, string name, SeriesTable.ColumnKind kind)
    {
        if (!Interop.SchemaShapeColumns.TryFind(schema, name, out var column)) throw SchemaErrors.Missing(role, name);
        bool scalar = column.Kind == SchemaShape.Column.VectorKind.Scalar;
        switch (kind)
        {
            case SeriesTable.ColumnKind.Single when !scalar || column.ItemType != NumberDataViewType.Single:
                throw new ArgumentOutOfRangeException("inputSchema", $"The {role} column '{name}' must be a Single scalar; found {column.Kind} of {column.ItemType}.");
            case SeriesTable.ColumnKind.DateTime when !scalar || column.ItemType is not DateTimeDataViewType:
                throw new ArgumentOutOfRangeException("inputSchema", $"The {role} column '{name}' must be a DateTime scalar; found {column.Kind} of {column.ItemType}.");
        }
    }

    /// <summary>Reads the series (rows in time order), plans, trains, calibrates and returns the fitted transformer.</summary>
    public LstmForecastingTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        LstmForecastingOptions request = Options.Clone(); // this Fit's copy: validated once here, never written
        request.Validate();
        using IChannel log = environment.Start(nameof(LstmForecastingEstimator));
        int seed = request.Seed ?? environment.Register(nameof(LstmForecastingEstimator)).Rand.Next();
        List<Series> series = SeriesTable.Read(input, request);
        ForecastPlan plan = ForecastPlanner.Plan(request, series, seed, log);
        var (trainWindows, calibrationWindows, allWindows) = ForecastWindows.Collect(plan.Layout, series, plan.Tails, request.RefitOnAllData);
        if (trainWindows.Count == 0) throw new InvalidOperationException("No complete training window: the series are too short for the window, horizon and validation tail.");
        SequenceDataset train = trainWindows.ToDataset(), validation = calibrationWindows.ToDataset();
        log.Info(MessageSensitivity.None, $"ForecastByLstm: {series.Count} series, {train.Count} training windows, {validation.Count} validation/calibration windows; plan: {plan}");

        Device device = Engine.TorchRuntime.SelectDevice(environment);
        using var tensors = NewDisposeScope(); // after the device check; keeps every tensor of this Fit alive until it returns
        int members = request.BaselineOnly ? 1 : request.EnsembleSize;
        var networks = new List<SequenceNetwork>(members);
        var results = new List<TrainingResult>(members);
        try
        {
            SequenceDataset? monitored = request.BaselineOnly ? null : MonitoredSample(validation, request.WindowsPerEpoch, seed);
            TrainingOptions schedule = members == 1 || plan.Training.TimeBudget is not { } budget
                ? plan.Training
                : plan.Training.ForLoop(timeBudget: budget / members);
            for (int j = 0; j < members; j++)
            {
                if (members > 1) log.Info(MessageSensitivity.None, $"ForecastByLstm: training ensemble member {j + 1} of {members} (seed {MemberSeed(plan, j)})");
                TrainingResult trained;
                networks.Add(request.BaselineOnly
                    ? Untrained(plan, log, out trained)
                    : Train(plan, MemberSeed(plan, j), device, train, monitored, schedule, log, out trained));
                results.Add(trained);
            }
            ForecastCalibration calibration = ForecastCalibration.Run(plan, networks, calibrationWindows, log);
            plan = plan.WithGuard(calibration.NetworkWeight, calibration.AlternativeWeight);
            if (request.RefitOnAllData && !request.BaselineOnly)
            {
                // Each network trained again, from its seed and for the epochs its first fit kept, on every complete window
                // (the tail included); the bounds keep the first fit's calibration.
                SequenceDataset all = allWindows!.ToDataset();
                for (int j = 0; j < members; j++)
                {
                    TrainingOptions refit = schedule.ForLoop(epochs: Math.Max(1, results[j].BestEpoch), earlyStoppingPatience: 0, restoreBestWeights: false);
                    SequenceNetwork second = Train(plan, MemberSeed(plan, j), device, all, null, refit, log, out _);
                    networks[j].Dispose();
                    networks[j] = second;
                    log.Info(MessageSensitivity.None, $"ForecastByLstm: refitted{(members > 1 ? $" member {j + 1}" : "")} on all {allWindows.Count} windows for {refit.Epochs} epochs");
                }
            }
            log.Info(MessageSensitivity.None, $"ForecastByLstm: conformal half-widths (× interval scale σ) per step: {string.Join(", ", calibration.Quantiles.Select(q => q.ToString("G3", CultureInfo.InvariantCulture)))}");
            byte[] onnx = ForecastGraph.Export(networks, plan.Layout, calibration.Quantiles, request.OutputColumnName, request.ConfidenceLowerBoundColumn,
                request.ConfidenceUpperBoundColumn, Metadata(request));
            LastFitReport = Report(plan, calibration, results, networks.Sum(n => n.ParameterCount()), series.Count, train.Count, validation.Count);
            var states = series.ToDictionary(s => s.Id, s => SeriesState.FromEnd(s, plan.Layout), StringComparer.Ordinal);
            return new LstmForecastingTransformer(environment, plan, onnx, states, LastFitReport);
        }
        finally
        {
            foreach (SequenceNetwork network in networks) network.Dispose();
        }
    }

    /// <summary>The seed of ensemble member <paramref name="member"/> (0-based): the plan's seed, then the next ones.</summary>
    private static int MemberSeed(ForecastPlan plan, int member) => unchecked(plan.Seed + member);

    /// <summary>A network of the plan's shape trained from <paramref name="seed"/> on <paramref name="data"/> (validation loss on
    /// <paramref name="check"/>) with <paramref name="schedule"/>, returned on the CPU; disposed if training throws.</summary>
    private static SequenceNetwork Train(ForecastPlan plan, int seed, Device device, SequenceDataset data, SequenceDataset? check, TrainingOptions schedule, IChannel log,
        out TrainingResult result)
    {
        random.manual_seed(seed);
        var trained = new SequenceNetwork(Spec(plan));
        try
        {
            trained.to(device);
            result = TrainingLoop.Run(trained, new ForecastObjective(plan.Layout.Horizon, plan.Request.Loss), data, check, schedule, seed, device, log);
            return trained.to(CPU);
        }
        catch
        {
            trained.Dispose(); // cancelled or failed: nothing else holds it
            throw;
        }
    }

    /// <summary>The network of the plan's shape, initialised from the plan's seed and not trained, on the CPU: the model of a
    /// <see cref="LstmForecastingOptions.BaselineOnly"/> fit, whose forecasts give it weight 0 (an empty history, best epoch 0).</summary>
    private static SequenceNetwork Untrained(ForecastPlan plan, IChannel log, out TrainingResult result)
    {
        log.Info(MessageSensitivity.None, "ForecastByLstm: no network is trained: the model forecasts with its baseline alone (asked for by BaselineOnly)");
        random.manual_seed(plan.Seed);
        result = new TrainingResult(Array.Empty<TrainingProgress>(), 0, false);
        return new SequenceNetwork(Spec(plan));
    }

    /// <summary>The network of the plan: the request's network over the layout's frames, one output per future step.</summary>
    private static NetworkSpec Spec(ForecastPlan plan) =>
        plan.Request.Network.ApplyTo(new NetworkSpec(new FrameInput(plan.Layout.FrameSize, StepSkip: plan.Layout.FrameSize > 2), 1, Pooling: PoolingKind.Last));

    /// <summary>The fit report: the training history (the first member's; every member's in
    /// <see cref="ForecastFitReport.MemberHistories"/>), the plan's resolved values and the calibration.</summary>
    private static ForecastFitReport Report(ForecastPlan plan, ForecastCalibration calibration, IReadOnlyList<TrainingResult> results, long parameters, int series,
        int trainingWindows, int calibrationWindows) =>
        new(results[0].History, results[0].BestEpoch, results[0].StoppedEarly, parameters, series, trainingWindows, calibrationWindows, calibration.Quantiles,
            plan.Layout.WindowSize, plan.Layout.Season, plan.Layout.SeasonalPeriod, plan.Layout.Calendar)
        {
            NetworkWeight = calibration.NetworkWeight,
            NetworkValidationError = calibration.NetworkError,
            BaselineValidationError = calibration.BaselineError,
            AlternativeWeight = calibration.AlternativeWeight,
            AlternativeValidationError = calibration.AlternativeError,
            AlternativePeriod = calibration.AlternativeError is not null ? plan.Layout.AlternativePeriod : null,
            TargetTransform = plan.Layout.Transform,
            MemberHistories = results.Select(r => r.History).ToArray(),
            MemberBestEpochs = results.Select(r => r.BestEpoch).ToArray(),
            Scores = calibration.Scores,
        };

    /// <summary>The saved model's metadata: the columns it reads and its confidence level.</summary>
    private static Dictionary<string, string> Metadata(LstmForecastingOptions request) => new()
    {
        ["lstmmlnet.series_column"] = request.InputColumnName,
        ["lstmmlnet.covariate_columns"] = string.Join(",", request.CovariateColumnNames),
        ["lstmmlnet.past_covariate_columns"] = string.Join(",", request.PastCovariateColumnNames),
        ["lstmmlnet.timestamp_column"] = request.TimestampColumnName ?? string.Empty,
        ["lstmmlnet.confidence_level"] = request.ConfidenceLevel.ToString("R", CultureInfo.InvariantCulture),
    };

    /// <summary>The validation windows the loop scores every epoch (the reported validation loss; early stopping when asked):
    /// all of them, or with a per-epoch draw of training windows a fixed seeded sample of at most a quarter of that many,
    /// so an epoch's cost does not grow with the data. The bounds are calibrated on every calibration window.</summary>
    private static SequenceDataset MonitoredSample(SequenceDataset validation, int windowsPerEpoch, int seed)
    {
        int size = Math.Max(1, windowsPerEpoch / 4);
        if (windowsPerEpoch <= 0 || validation.Count <= size) return validation.Materialized();
        int[] order = Enumerable.Range(0, validation.Count).ToArray();
        new Random(seed).Shuffle(order);
        return validation.Subset(order[..size]).Materialized(); // read every epoch: encoded once
    }
}
