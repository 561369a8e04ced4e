using System.Diagnostics;
using LstmMlNet.Data;
using LstmMlNet.Engine;
using Microsoft.ML.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace LstmMlNet.Training;

/// <summary>
/// The one training loop every recurrent estimator uses: seeded bucketed mini-batches, Adam/AdamW/SGD,
/// warm-up and schedule, global-norm clipping, optional truncated BPTT, validation each epoch, early stopping
/// with best-weights restore, weight averaging over extra epochs, one log line and one progress report per epoch,
/// cancellation between batches.
/// Every batch runs inside its own dispose scope so native memory does not grow with the epochs.
/// </summary>
internal static class TrainingLoop
{
    public static TrainingResult Run(
        SequenceNetwork network,
        ITrainingObjective objective,
        SequenceDataset train,
        SequenceDataset? validation,
        TrainingOptions options,
        int seed,
        Device device,
        IChannel? log = null)
    {
        // The options were validated once where they entered (the estimator's constructor and Fit); the loop reads them.
        if (train.Count == 0) throw new InvalidOperationException("There are no training rows.");
        CancellationToken cancel = options.CancellationToken;
        torch.random.manual_seed(seed);
        var random = new Random(seed);
        var parameters = network.parameters().ToArray();
        using LazyRowAdam? lazy = LazyRowAdam.For(network, options, device);
        using DenseOptimizer optimizer = DenseOptimizer.Create(lazy is null ? parameters : lazy.Others(parameters), options);
        ITruncatedObjective? truncated = options.TruncatedBpttSteps > 0
            ? objective as ITruncatedObjective ?? throw new InvalidOperationException("Truncated BPTT needs a sequence-to-sequence objective (a target at every step).")
            : null;

        var history = new List<TrainingProgress>();
        double bestLoss = double.PositiveInfinity;
        int bestEpoch = 0;
        int sinceBest = 0;
        Dictionary<string, Tensor>? bestWeights = null;
        Dictionary<string, Tensor>? averageSum = null;
        int averaged = 0;
        bool stoppedEarly = false;
        var budgetClock = Stopwatch.StartNew();
        int totalEpochs = options.Epochs + options.AveragingEpochs;
        try
        {
            for (int epoch = 0; epoch < totalEpochs; epoch++)
            {
                cancel.ThrowIfCancellationRequested();
                var clock = Stopwatch.StartNew();
                network.train();
                List<int[]> batches = BatchPlanner.Training(train, options.BatchSize, random, options.RowsPerEpoch);
                int chunks = truncated is null ? 1 : (int)Math.Ceiling((double)batches.Max(b => b.Max(train.Length)) / options.TruncatedBpttSteps);
                int stepsPerEpoch = batches.Count * chunks;
                int step = 0;
                double lossSum = 0;
                double lr = options.LearningRate;
                int batchNumber = 0;
                foreach (int[] indices in batches)
                {
                    cancel.ThrowIfCancellationRequested();
                    batchNumber++;
                    try
                    {
                        using var scope = NewDisposeScope();
                        SequenceBatch batch = BatchBuilder.Build(train, indices, device);
                        IEnumerable<Tensor> losses = truncated is null
                            ? new[] { objective.Loss(network, batch) }
                            : truncated.ChunkLosses(network, batch, options.TruncatedBpttSteps);
                        double batchLoss = 0;
                        int pieces = 0;
                        foreach (Tensor loss in losses)
                        {
                            lr = epoch >= options.Epochs ? options.LearningRate // the averaging epochs: SWA's constant rate
                                : LearningRatePlan.At(options, epoch, Math.Min(step++, stepsPerEpoch - 1), stepsPerEpoch);
                            optimizer.LearningRate = lr;
                            double value = ApplyStep(optimizer, parameters, loss, options.GradientClipNorm, lazy);
                            if (!double.IsFinite(value))
                                throw new InvalidOperationException($"The training loss became {value} in epoch {epoch + 1}; lower the learning rate or check the inputs' scale.");
                            batchLoss += value;
                            pieces++;
                        }
                        lossSum += batchLoss / pieces * batch.Count;
                    }
                    catch (Exception e) when (IsUnexpected(e))
                    {
                        throw Failed($"epoch {epoch + 1} of {totalEpochs}, training batch {batchNumber} of {batches.Count}", e);
                    }
                }

                double? validationLoss = null;
                double? metric = null;
                if (validation is not null && validation.Count > 0)
                {
                    try
                    {
                        (validationLoss, metric) = Evaluate(network, objective, validation, options.BatchSize, device);
                    }
                    catch (Exception e) when (IsUnexpected(e))
                    {
                        throw Failed($"epoch {epoch + 1} of {totalEpochs}, validation", e);
                    }
                }
                var report = new TrainingProgress(epoch + 1, totalEpochs, lossSum / batches.Sum(b => b.Length), validationLoss, metric,
                    objective.MetricName, lr, clock.Elapsed.TotalSeconds);
                history.Add(report);
                log?.Info(MessageSensitivity.None, report.ToString());
                options.Progress?.Report(report);

                if (options.AveragingEpochs > 1 && epoch >= options.Epochs)
                {
                    averageSum = Accumulate(averageSum, network);
                    averaged++;
                }

                double monitored = validationLoss ?? report.TrainLoss;
                if (monitored < bestLoss)
                {
                    bestLoss = monitored;
                    bestEpoch = epoch + 1;
                    sinceBest = 0;
                    if (validationLoss is not null && options.RestoreBestWeights)
                    {
                        Dispose(bestWeights);
                        bestWeights = Snapshot(network);
                    }
                }
                else if (validationLoss is not null && options.EarlyStoppingPatience > 0 && ++sinceBest >= options.EarlyStoppingPatience)
                {
                    stoppedEarly = epoch + 1 < totalEpochs;
                    if (stoppedEarly) log?.Info(MessageSensitivity.None, $"early stopping after epoch {epoch + 1}: no lower validation loss for {sinceBest} epochs; best epoch {bestEpoch}");
                    break;
                }
                if (options.TimeBudget is { } budget && epoch + 1 < totalEpochs && budgetClock.Elapsed + clock.Elapsed > budget)
                {
                    stoppedEarly = true;
                    log?.Info(MessageSensitivity.None, FormattableString.Invariant(
                        $"time budget {budget} reached: stopping after epoch {epoch + 1} of {totalEpochs} ({budgetClock.Elapsed.TotalSeconds:F1} s so far, {clock.Elapsed.TotalSeconds:F1} s per epoch); best epoch {bestEpoch}"));
                    break;
                }
            }
            double lastLoss = history.Count > 0 ? history[^1].ValidationLoss ?? double.NaN : double.NaN;
            if (bestWeights is not null && bestEpoch < history.Count && options.RestoreMargin > 0 && !(lastLoss - bestLoss > options.RestoreMargin * Math.Abs(lastLoss)))
            {
                log?.Info(MessageSensitivity.None, FormattableString.Invariant(
                    $"keeping the last epoch's weights: its validation loss {lastLoss:G4} is within {options.RestoreMargin:P0} of the lowest, {bestLoss:G4} (epoch {bestEpoch})"));
                bestEpoch = history.Count;
            }
            if (bestWeights is not null && bestEpoch < history.Count)
            {
                log?.Info(MessageSensitivity.None, $"restoring the weights of epoch {bestEpoch} (lowest validation loss {bestLoss:G4})");
                network.load_state_dict(bestWeights);
            }
            else
            {
                bestEpoch = history.Count;
                if (averageSum is not null && averaged > 1)
                {
                    log?.Info(MessageSensitivity.None, $"weight averaging: the mean of the weights at the end of epochs {history.Count - averaged + 1}–{history.Count}");
                    LoadMean(network, averageSum, averaged);
                }
            }
        }
        finally
        {
            Dispose(bestWeights);
            Dispose(averageSum);
            network.eval();
        }
        return new TrainingResult(history, bestEpoch, stoppedEarly);
    }

    /// <summary>Mean loss and mean metric over <paramref name="data"/>, in evaluation mode without gradients.</summary>
    public static (double Loss, double Metric) Evaluate(SequenceNetwork network, ITrainingObjective objective, SequenceDataset data, int batchSize, Device device)
    {
        bool wasTraining = network.training;
        network.eval();
        try
        {
            using var noGrad = no_grad();
            double loss = 0, metric = 0;
            foreach (int[] indices in BatchPlanner.Evaluation(data, batchSize))
            {
                using var scope = NewDisposeScope();
                var (l, m) = objective.Score(network, BatchBuilder.Build(data, indices, device));
                loss += l;
                metric += m;
            }
            return (loss / data.Count, metric / data.Count);
        }
        finally
        {
            network.train(wasTraining);
        }
    }

    /// <summary>One optimiser step: zero the gradients, backpropagate <paramref name="loss"/>, clip the global
    /// gradient norm to <paramref name="clipNorm"/> (0 = off), step. With <paramref name="lazy"/>, the embedding tables
    /// are its own (not <paramref name="optimizer"/>'s): their touched rows count in the global norm and it updates them.
    /// Returns the loss value.</summary>
    internal static double ApplyStep(DenseOptimizer optimizer, IEnumerable<TorchSharp.Modules.Parameter> parameters, Tensor loss, double clipNorm,
        LazyRowAdam? lazy = null)
    {
        optimizer.ZeroGrad();
        lazy?.ZeroGrad();
        loss.backward();
        ClipAndStep(optimizer, parameters, clipNorm, lazy);
        return loss.item<float>();
    }

    /// <summary>The part of <see cref="ApplyStep"/> after the backward pass: clipping and the optimisers' steps.</summary>
    internal static void ClipAndStep(DenseOptimizer optimizer, IEnumerable<TorchSharp.Modules.Parameter> parameters, double clipNorm, LazyRowAdam? lazy)
    {
        if (lazy is null)
        {
            // clip_grad_norm_ hands libtorch its doubles directly (no Scalar); the array keeps the parameters' handles alive.
            TorchSharp.Modules.Parameter[] all = parameters as TorchSharp.Modules.Parameter[] ?? parameters.ToArray();
            if (clipNorm > 0) nn.utils.clip_grad_norm_(all, clipNorm);
            GC.KeepAlive(all);
            optimizer.Step();
            return;
        }
        double squared = lazy.GatherSquaredNorm();
        double scale = 1;
        if (clipNorm > 0)
        {
            // As clip_grad_norm_: the norm of all gradients (untouched rows are zero), coefficient max / (norm + 1e-6) capped at 1.
            Tensor[] dense = lazy.Others(parameters).Select(p => p.grad).Where(g => g is not null).ToArray()!;
            if (dense.Length > 0) squared += dense.Sum(g => (double)g.mul(g).sum().item<float>());
            scale = Math.Min(1.0, clipNorm / (Math.Sqrt(squared) + 1e-6));
            if (scale < 1)
            {
                using var noGrad = no_grad();
                foreach (Tensor g in dense) g.TimesInPlace(scale);
            }
        }
        optimizer.Step();
        lazy.Step(optimizer.LearningRate, scale);
    }

    /// <summary>An exception from below the loop (libtorch's <c>ExternalException</c>, a runtime fault) rather than one
    /// this library words itself (<see cref="InvalidOperationException"/>, <see cref="ArgumentException"/>) or a
    /// cancellation.</summary>
    private static bool IsUnexpected(Exception e) =>
        e is not (OperationCanceledException or InvalidOperationException or ArgumentException);

    /// <summary>The exception a caller of Fit gets for a failure inside a training phase: it names the phase (epoch and
    /// batch) and keeps the original as its inner exception.</summary>
    private static InvalidOperationException Failed(string phase, Exception inner) =>
        new($"Training failed in {phase}: {inner.GetType().Name}: {inner.Message}", inner);

    private static Dictionary<string, Tensor> Snapshot(nn.Module network) =>
        network.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone().DetachFromDisposeScope());

    /// <summary>Adds the network's floating-point weights to <paramref name="sum"/> (a detached copy of them the first time).</summary>
    private static Dictionary<string, Tensor> Accumulate(Dictionary<string, Tensor>? sum, nn.Module network)
    {
        if (sum is null) return Snapshot(network);
        using var noGrad = no_grad();
        foreach (var (name, value) in network.state_dict())
        {
            if (value.is_floating_point()) sum[name].PlusInPlace(value);
        }
        return sum;
    }

    /// <summary>Loads <paramref name="sum"/> / <paramref name="count"/> into the network's floating-point weights (the
    /// others keep the last epoch's values).</summary>
    private static void LoadMean(nn.Module network, Dictionary<string, Tensor> sum, int count)
    {
        using var noGrad = no_grad();
        foreach (var (name, value) in network.state_dict())
        {
            if (!value.is_floating_point()) continue;
            using Tensor mean = sum[name].Times(1.0 / count);
            value.copy_(mean);
        }
    }

    private static void Dispose(Dictionary<string, Tensor>? weights)
    {
        if (weights is null) return;
        foreach (Tensor t in weights.Values) t.Dispose();
    }
}
