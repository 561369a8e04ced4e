namespace LstmMlNet;

/// <summary>How the learning rate changes over epochs, after any linear warm-up
/// (<see cref="TrainingOptions.WarmupEpochs"/>).</summary>
public enum LearningRateSchedule
{
    /// <summary>The base learning rate throughout.</summary>
    Constant,

    /// <summary>Multiplied by <see cref="TrainingOptions.StepGamma"/> every <see cref="TrainingOptions.StepEpochs"/> epochs.</summary>
    Step,

    /// <summary>Cosine annealing from the base rate to 0 over the epochs after warm-up (Loshchilov &amp; Hutter 2017).</summary>
    Cosine,
}
