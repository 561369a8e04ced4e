using LstmMlNet.Training;

namespace LstmMlNet;

/// <summary>
/// Options of the shared training loop: mini-batches, optimiser, schedule, clipping, early stopping, seeding, progress
/// and cancellation. Every recurrent trainer's options and the forecaster's options derive from this; where a default
/// below differs for one of them, the member says so.
/// </summary>
public class TrainingOptions
{
    /// <summary>Maximum passes over the training rows. Default 10 (the trainers); 60 for
    /// <see cref="LstmMlNet.LstmForecastingOptions"/>.</summary>
    public int Epochs { get; set; } = 10;

    /// <summary>Sequences per mini-batch. Batches group sequences of similar length (bucketing). Default 32.</summary>
    public int BatchSize { get; set; } = 32;

    /// <summary>Base learning rate. Default 1e-3 (the regression trainer and the forecaster); 2e-3 for the binary and
    /// multiclass trainers (<see cref="LstmMlNet.LstmClassifierOptions"/>).</summary>
    public double LearningRate { get; set; } = 1e-3;

    /// <summary>Optimiser. Default <see cref="OptimizerKind.Adam"/>.</summary>
    public OptimizerKind Optimizer { get; set; } = OptimizerKind.Adam;

    /// <summary>Momentum of <see cref="OptimizerKind.Sgd"/>. Default 0.9.</summary>
    public double Momentum { get; set; } = 0.9;

    /// <summary>Weight decay: L2 for Adam and SGD, decoupled for AdamW. Default 0.</summary>
    public double WeightDecay { get; set; }

    /// <summary>With <see cref="OptimizerKind.Adam"/> or <see cref="OptimizerKind.AdamW"/>, a token network with subword
    /// n-grams training on the CPU updates only the rows of its token and n-gram tables that the batch touched (lazy
    /// Adam, as PyTorch's SparseAdam): an untouched row keeps its value and moments until a batch reaches it, where dense
    /// Adam keeps moving it by its decaying momentum. A batch of short texts touches a small part of the tables' rows,
    /// so dense Adam spends most of its step rewriting the rest (the README's pipeline section has the measured share). false
    /// updates every row on every step. Default true.</summary>
    public bool SparseEmbeddingUpdates { get; set; } = true;

    /// <summary>Learning-rate schedule. Default <see cref="LearningRateSchedule.Constant"/>.</summary>
    public LearningRateSchedule Schedule { get; set; } = LearningRateSchedule.Constant;

    /// <summary>Epochs between decays of <see cref="LearningRateSchedule.Step"/>. Default 10.</summary>
    public int StepEpochs { get; set; } = 10;

    /// <summary>Decay factor of <see cref="LearningRateSchedule.Step"/>. Default 0.5.</summary>
    public double StepGamma { get; set; } = 0.5;

    /// <summary>Epochs of linear warm-up from 0 to the base rate, counted in optimiser steps. Default 0 (none).</summary>
    public double WarmupEpochs { get; set; }

    /// <summary>Clip the global L2 norm of all gradients to this value before each step; 0 turns clipping off.
    /// Default 5.</summary>
    public double GradientClipNorm { get; set; } = 5.0;

    /// <summary>Truncated backpropagation through time: for sequence-to-sequence objectives (a target at every step,
    /// <see cref="ITruncatedObjective"/>), split each batch into chunks of this many steps, take an optimiser step per
    /// chunk and carry the (detached) state to the next. 0 = full BPTT. Default 0. Internal: no public trainer or the
    /// forecaster has such an objective (each reads a whole sequence or window into one output).</summary>
    internal int TruncatedBpttSteps { get; set; }

    /// <summary>Fraction of the training rows held out for validation when no validation set is given;
    /// 0 disables validation (and early stopping). Default 0.1 (the regression trainer); 0 for the binary and multiclass
    /// trainers (<see cref="LstmMlNet.LstmClassifierOptions"/>) and for the forecaster, which validates on the tail of
    /// every series instead (<see cref="LstmMlNet.LstmForecastingOptions.ValidationTailLength"/>).</summary>
    public double ValidationFraction { get; set; } = 0.1;

    /// <summary>Stop after this many epochs without a lower validation loss; 0 = never stop early. Default 3 (the
    /// trainers); 10 for <see cref="LstmMlNet.LstmForecastingOptions"/>, applied when its
    /// <see cref="LstmMlNet.LstmForecastingOptions.ModelSelection"/> keeps the best epoch.</summary>
    public int EarlyStoppingPatience { get; set; } = 3;

    /// <summary>At the end, restore the weights of the epoch with the lowest validation loss. Default true (the
    /// trainers); the forecaster does not read it (<see cref="LstmMlNet.LstmForecastingOptions.ModelSelection"/> decides).</summary>
    public bool RestoreBestWeights { get; set; } = true;

    /// <summary>Seed of everything random in a Fit: weight initialisation, the order of the batches, the validation split
    /// (<see cref="ValidationFraction"/>), dropout masks and the forecaster's per-epoch draw of windows. With a seed, two
    /// Fits of the same options on the same rows give bit-identical weights on the CPU when they run one after another in a
    /// process (the tests check this on one machine; another libtorch build or thread count may round differently). The
    /// seed goes into libtorch's process-wide generator, so Fits that run at the same time on several threads draw from
    /// one generator and are not repeatable; GPU kernels are not bit-for-bit deterministic either. Default null: each Fit
    /// draws its seed from the <c>MLContext</c>'s random source, as ML.NET's own trainers do. With
    /// <c>new MLContext(seed: s)</c> that makes a program repeatable run to run (the n-th Fit on a context gets the same
    /// seed every run, while two Fits on one context get different seeds); with <c>new MLContext()</c> (no seed) every Fit
    /// differs. Set a seed here for the same weights from every Fit.</summary>
    public int? Seed { get; set; }

    /// <summary>Receives one report per epoch. Default null.</summary>
    public IProgress<TrainingProgress>? Progress { get; set; }

    /// <summary>Cancels training between batches with <see cref="OperationCanceledException"/>. Default none.</summary>
    public CancellationToken CancellationToken { get; set; }

    /// <summary>Caps the time of the training epochs: after each epoch, training stops when the next epoch (taking as long as
    /// the last one) would end past the budget, counted from the first epoch's start; at least one epoch always runs. The
    /// stop is reported like early stopping (the model selection then keeps the best or the last epoch as usual). Reading
    /// the data, calibration and export come on top. Default null: no cap.</summary>
    public TimeSpan? TimeBudget { get; set; }

    /// <summary>Training rows drawn (without replacement, a fresh seeded draw each epoch) for one epoch when the data has
    /// more; 0 = every row every epoch. Set by estimators whose data grows with the number of series (the forecaster's
    /// <c>WindowsPerEpoch</c>), so the cost of an epoch follows the budget, not the data.</summary>
    internal int RowsPerEpoch { get; set; }

    /// <summary>With <see cref="RestoreBestWeights"/>, the relative margin by which the best epoch's validation loss must be
    /// below the last epoch's for its weights to be restored; within it the last epoch's are kept (Keras' min_delta for
    /// the restore: a best epoch that wins by noise is not worth going back to). 0 (the trainers): any lower loss.</summary>
    internal double RestoreMargin { get; set; }

    /// <summary>Epochs of weight averaging after <see cref="Epochs"/> (stochastic weight averaging, Izmailov et al. 2018):
    /// training goes on for this many epochs at the base <see cref="LearningRate"/>, and the fit returns the mean of the
    /// weights at the end of each of them; 0 = none. Not applied when the best validation epoch's weights are restored.
    /// Set by the trainers from <see cref="LstmMlNet.LstmTrainerOptions.WeightAveragingEpochs"/>.</summary>
    internal int AveragingEpochs { get; set; }

    /// <summary>A new <see cref="TrainingOptions"/> with these settings, any of them replaced: what a caller that resolves
    /// values (the forecaster's plan, a refit) hands the training loop, so the options a user passed are never written.</summary>
    internal TrainingOptions ForLoop(int? epochs = null, int? rowsPerEpoch = null, double? weightDecay = null, int? earlyStoppingPatience = null,
        bool? restoreBestWeights = null, double? restoreMargin = null, TimeSpan? timeBudget = null, int? averagingEpochs = null) => new()
    {
        Epochs = epochs ?? Epochs,
        BatchSize = BatchSize,
        LearningRate = LearningRate,
        Optimizer = Optimizer,
        Momentum = Momentum,
        WeightDecay = weightDecay ?? WeightDecay,
        SparseEmbeddingUpdates = SparseEmbeddingUpdates,
        Schedule = Schedule,
        StepEpochs = StepEpochs,
        StepGamma = StepGamma,
        WarmupEpochs = WarmupEpochs,
        GradientClipNorm = GradientClipNorm,
        TruncatedBpttSteps = TruncatedBpttSteps,
        ValidationFraction = ValidationFraction,
        EarlyStoppingPatience = earlyStoppingPatience ?? EarlyStoppingPatience,
        RestoreBestWeights = restoreBestWeights ?? RestoreBestWeights,
        Seed = Seed,
        Progress = Progress,
        CancellationToken = CancellationToken,
        TimeBudget = timeBudget ?? TimeBudget,
        RowsPerEpoch = rowsPerEpoch ?? RowsPerEpoch,
        RestoreMargin = restoreMargin ?? RestoreMargin,
        AveragingEpochs = averagingEpochs ?? AveragingEpochs,
    };

    /// <summary>Checks every value and throws <see cref="ArgumentOutOfRangeException"/> naming the first bad one.</summary>
    public virtual void Validate()
    {
        Positive(Epochs, nameof(Epochs));
        Positive(BatchSize, nameof(BatchSize));
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) throw Bad(nameof(LearningRate), LearningRate, "a positive finite number");
        if (!Enum.IsDefined(Optimizer)) throw Bad(nameof(Optimizer), Optimizer, $"one of {string.Join(", ", Enum.GetNames<OptimizerKind>())}");
        if (!Enum.IsDefined(Schedule)) throw Bad(nameof(Schedule), Schedule, $"one of {string.Join(", ", Enum.GetNames<LearningRateSchedule>())}");
        if (!(Momentum >= 0 && Momentum < 1)) throw Bad(nameof(Momentum), Momentum, "a value in [0, 1)");
        if (!(WeightDecay >= 0) || double.IsInfinity(WeightDecay)) throw Bad(nameof(WeightDecay), WeightDecay, "a non-negative finite number");
        Positive(StepEpochs, nameof(StepEpochs));
        if (!(StepGamma > 0 && StepGamma <= 1)) throw Bad(nameof(StepGamma), StepGamma, "a value in (0, 1]");
        if (!(WarmupEpochs >= 0) || double.IsInfinity(WarmupEpochs)) throw Bad(nameof(WarmupEpochs), WarmupEpochs, "a non-negative number");
        if (!(GradientClipNorm >= 0) || double.IsInfinity(GradientClipNorm)) throw Bad(nameof(GradientClipNorm), GradientClipNorm, "0 (off) or a positive number");
        if (TruncatedBpttSteps < 0) throw Bad(nameof(TruncatedBpttSteps), TruncatedBpttSteps, "0 (full BPTT) or a positive number of steps");
        if (!(ValidationFraction >= 0 && ValidationFraction < 1)) throw Bad(nameof(ValidationFraction), ValidationFraction, "a value in [0, 1)");
        if (EarlyStoppingPatience < 0) throw Bad(nameof(EarlyStoppingPatience), EarlyStoppingPatience, "0 (off) or a positive number of epochs");
        if (TimeBudget is { } budget && budget <= TimeSpan.Zero) throw Bad(nameof(TimeBudget), budget, "null (no cap) or a positive time");
    }

    /// <summary>Throws for a value that is not a positive integer.</summary>
    protected static void Positive(int value, string name)
    {
        if (value <= 0) throw Bad(name, value, "a positive integer");
    }

    /// <summary>An exception naming the option, the value received and what was expected: the one wording of every
    /// options class (<see cref="LstmMlNet.RecurrentNetworkOptions"/> too).</summary>
    protected internal static ArgumentOutOfRangeException Bad(string name, object value, string expected) =>
        new(name, value, $"{name} must be {expected}; got {Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)}.");
}
