namespace LstmMlNet.Comparison;

/// <summary>How a trial ended.</summary>
public enum TrialStatus
{
    /// <summary>Every fold ran; the trial is ranked.</summary>
    Completed,

    /// <summary>A fold threw; <see cref="TrialResult.Error"/> says what. Not ranked.</summary>
    Failed,

    /// <summary>The time budget ran out before every fold ran. Not ranked.</summary>
    StoppedByBudget,

    /// <summary>The budget was spent before the trial could start. Not ranked.</summary>
    NotRun,
}
