namespace LstmMlNet.Comparison;

/// <summary>One candidate's cross-validated (or backtested) result.</summary>
/// <param name="Index">1-based position in the run order.</param>
/// <param name="Name">Candidate name, e.g. "BiLstm H128 L1 Max" or "FeaturizeText + SdcaLogisticRegression".</param>
/// <param name="Family">Baseline, recurrent or custom.</param>
/// <param name="Configuration">The candidate's settings as name/value pairs.</param>
/// <param name="Status">How the trial ended.</param>
/// <param name="FoldMetrics">The metric on each fold that ran, in fold order.</param>
/// <param name="Mean">Mean of <paramref name="FoldMetrics"/> (NaN when none ran).</param>
/// <param name="StandardDeviation">Sample standard deviation (n − 1) of <paramref name="FoldMetrics"/> (NaN below 2 folds).</param>
/// <param name="TrainSeconds">Mean wall-clock seconds per fold spent fitting (scoring excluded).</param>
/// <param name="Parameters">Learned values of the last fold's model: for a recurrent candidate the network's trainable
/// parameters as trained (<c>LstmFitReport.ParameterCount</c> or <c>ForecastFitReport.Parameters</c>: a token
/// model's subword n-gram table included, which the saved model replaces by one vector per vocabulary token; a frozen
/// pretrained encoder excluded, which the saved model holds), so a count of what was fitted, not of the saved model's
/// size; linear weights and biases, or tree leaf values, for ML.NET's trainers; 0 for naive rules; null when unknown
/// (custom candidates).</param>
/// <param name="Error">Why the trial failed, or null.</param>
public sealed record TrialResult(int Index, string Name, CandidateFamily Family, IReadOnlyDictionary<string, string> Configuration,
    TrialStatus Status, IReadOnlyList<double> FoldMetrics, double Mean, double StandardDeviation, double TrainSeconds, long? Parameters,
    string? Error);
