using LstmMlNet.Comparison;

namespace Microsoft.ML;

/// <summary><c>ml.CompareModels()</c>: the entry point of model comparisons.</summary>
public static class ComparisonCatalogExtensions
{
    /// <summary>Compare recurrent configurations with ML.NET's baselines on one task; logs to <paramref name="ml"/>'s log
    /// (one line per trial, source "ModelComparison").</summary>
    public static ModelComparisonCatalog CompareModels(this MLContext ml)
    {
        ArgumentNullException.ThrowIfNull(ml);
        return new ModelComparisonCatalog(ml);
    }
}
