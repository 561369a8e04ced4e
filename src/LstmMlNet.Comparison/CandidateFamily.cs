namespace LstmMlNet.Comparison;

/// <summary>Where a candidate comes from.</summary>
public enum CandidateFamily
{
    /// <summary>An ML.NET baseline (linear, tree or naive).</summary>
    Baseline,

    /// <summary>An LstmMlNet recurrent model.</summary>
    Recurrent,

    /// <summary>A candidate the caller added.</summary>
    Custom,
}
