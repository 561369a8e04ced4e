namespace LstmMlNet.Tests.Infrastructure;

/// <summary>A measurement harness (figures for a README table, minutes long) rather than a check: skipped, and reported
/// as skipped, unless an environment variable is set.</summary>
public sealed class MeasurementFactAttribute : FactAttribute
{
    /// <param name="variable">The variable that turns the harness on; its value may choose what to measure.</param>
    /// <param name="what">What the harness measures, for the skip reason.</param>
    public MeasurementFactAttribute(string variable, string what)
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(variable))) Skip = $"Set {variable} to measure {what}.";
    }
}
