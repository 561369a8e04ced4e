namespace LstmMlNet.Training;

/// <summary>The learning rate at each optimiser step: linear warm-up, then the chosen schedule.</summary>
internal static class LearningRatePlan
{
    /// <param name="options">Schedule settings.</param>
    /// <param name="epoch">0-based epoch.</param>
    /// <param name="step">0-based optimiser step within the epoch.</param>
    /// <param name="stepsPerEpoch">Optimiser steps per epoch (≥ 1).</param>
    public static double At(TrainingOptions options, int epoch, int step, int stepsPerEpoch)
    {
        double position = epoch + (double)step / stepsPerEpoch; // in epochs
        double factor = 1.0;
        if (options.WarmupEpochs > 0 && position < options.WarmupEpochs)
        {
            double globalStep = (double)epoch * stepsPerEpoch + step + 1;
            factor = Math.Min(1.0, globalStep / (options.WarmupEpochs * stepsPerEpoch));
        }
        switch (options.Schedule)
        {
            case LearningRateSchedule.Step:
                factor *= Math.Pow(options.StepGamma, epoch / options.StepEpochs);
                break;
            case LearningRateSchedule.Cosine:
                double span = Math.Max(1e-9, options.Epochs - options.WarmupEpochs);
                double t = Math.Clamp((position - options.WarmupEpochs) / span, 0.0, 1.0);
                factor *= 0.5 * (1 + Math.Cos(Math.PI * t));
                break;
        }
        return options.LearningRate * factor;
    }
}
