using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;

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

/// <summary>An unfitted candidate and how to count the learned values of its fitted model.</summary>
internal sealed record BuiltCandidate(IEstimator<ITransformer> Estimator, Func<ITransformer, long?> Parameters);

/// <summary>Counts the learned values of ML.NET's own models: linear weights and biases, tree leaf values.</summary>
internal static class ParameterCounter
{
    public static long? Count(ITransformer model)
    {
        if (model is IEnumerable<ITransformer> chain)
        {
            long? total = null;
            foreach (ITransformer part in chain)
                if (Count(part) is long n) total = (total ?? 0) + n;
            return total;
        }
        return model is IPredictionTransformer<object> predictor ? CountModel(predictor.Model) : null;
    }

    private static long? CountModel(object? model)
    {
        switch (model)
        {
            case null:
                return null;
            case LinearModelParameters linear:
                return linear.Weights.Count + 1;
            case LinearMulticlassModelParametersBase multiclass:
            {
                VBuffer<float>[] weights = Array.Empty<VBuffer<float>>();
                multiclass.GetWeights(ref weights, out int classes);
                return weights.Sum(w => (long)w.Length) + classes;
            }
            case TreeEnsembleModelParametersBasedOnRegressionTree trees:
                return trees.TrainedTreeEnsemble.Trees.Sum(t => (long)t.NumberOfLeaves);
        }
        // Calibrated binary models and one-versus-all wrappers hold their learned part(s) in a property.
        if (Property(model, "SubModel") is { } sub) return CountModel(sub);
        if (Property(model, "SubModelParameters") is System.Collections.IEnumerable parts)
        {
            long? total = null;
            foreach (object part in parts)
                if (CountModel(part) is long n) total = (total ?? 0) + n;
            return total;
        }
        return null;
    }

    /// <summary>A public instance property by name, the most derived declaration first (generic bases redeclare some).</summary>
    private static object? Property(object model, string name) => model.GetType()
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.Name == name && p.GetIndexParameters().Length == 0)
        .OrderBy(p => p.DeclaringType == model.GetType() ? 0 : 1)
        .FirstOrDefault()?.GetValue(model);
}
