namespace LstmMlNet.Training;

/// <summary>What the loop did: one report per epoch run, the epoch whose weights were kept (1-based), and whether
/// early stopping ended training before the planned epochs.</summary>
internal sealed record TrainingResult(IReadOnlyList<TrainingProgress> History, int BestEpoch, bool StoppedEarly);
