using Microsoft.ML;

namespace LstmMlNet.Comparison;

/// <summary>An unfitted candidate and how to count the learned values of its fitted model.</summary>
internal sealed record BuiltCandidate(IEstimator<ITransformer> Estimator, Func<ITransformer, long?> Parameters);
