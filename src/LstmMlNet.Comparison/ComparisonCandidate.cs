using Microsoft.ML;

namespace LstmMlNet.Comparison;

/// <summary>
/// A model a classification or regression comparison fits on each fold: an estimator from the data's columns to the
/// task's score columns. The comparison prefixes every candidate with the label preparation (multiclass: the label is
/// mapped to a key in place), so a custom estimator sees the label column ready for ML.NET's trainers.
/// </summary>
public sealed class ComparisonCandidate
{
    internal ComparisonCandidate(string name, CandidateFamily family, IReadOnlyDictionary<string, string> configuration,
        Func<MLContext, CancellationToken, BuiltCandidate> build)
    {
        Name = name;
        Family = family;
        Configuration = configuration;
        Build = build;
    }

    /// <summary>Name on the leaderboard.</summary>
    public string Name { get; }

    /// <summary>Baseline, recurrent or custom.</summary>
    public CandidateFamily Family { get; }

    /// <summary>Settings as name/value pairs.</summary>
    public IReadOnlyDictionary<string, string> Configuration { get; }

    internal Func<MLContext, CancellationToken, BuiltCandidate> Build { get; }

    /// <summary>A candidate of your own. <paramref name="build"/> is called once per fold and once for the refit and must
    /// return a fresh, unfitted estimator that writes the task's output columns (as ML.NET's trainers of that task do).</summary>
    /// <param name="name">Name on the leaderboard.</param>
    /// <param name="build">Makes the estimator.</param>
    /// <param name="configuration">Settings to show with it. Default none.</param>
    public static ComparisonCandidate Custom(string name, Func<MLContext, IEstimator<ITransformer>> build,
        IReadOnlyDictionary<string, string>? configuration = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(build);
        return new ComparisonCandidate(name, CandidateFamily.Custom, configuration ?? new Dictionary<string, string>(),
            (ml, _) => new BuiltCandidate(build(ml), ParameterCounter.Count));
    }
}
