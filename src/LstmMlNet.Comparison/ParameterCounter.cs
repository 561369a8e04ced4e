using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;

namespace LstmMlNet.Comparison;

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
