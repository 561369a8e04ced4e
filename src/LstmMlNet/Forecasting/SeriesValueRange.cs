using System.Globalization;

namespace LstmMlNet.Forecasting;

/// <summary>
/// The magnitude a series or covariate value may have: |v| ≤ 1e30. Float32 holds values up to 3.4e38, but the forecast
/// multiplies the window's scale by the network's output and adds conformal margins, differences double a value and
/// standardisation squares it, so values near the float limit overflow to ±Infinity and NaN bounds. 1e30 leaves eight
/// orders of magnitude of headroom and is far beyond any measured quantity. Checked at Fit, at <c>Update</c> and
/// <c>Predict(future)</c> of the engine, and when a checkpoint is loaded.
/// </summary>
internal static class SeriesValueRange
{
    /// <summary>The largest magnitude accepted, 1e30.</summary>
    public const float MaxMagnitude = 1e30f;

    /// <summary>True for a finite value of magnitude at most <see cref="MaxMagnitude"/>.</summary>
    public static bool Accepts(float value) => float.IsFinite(value) && MathF.Abs(value) <= MaxMagnitude;

    /// <summary>The sentence an error ends with for a value out of range.</summary>
    public static string Reason(float value) => float.IsFinite(value)
        ? string.Create(CultureInfo.InvariantCulture, $"{value:R} is beyond ±1e30, where the forecast's scaling and bounds would overflow float32; rescale the series (e.g. divide by a power of ten)")
        : string.Create(CultureInfo.InvariantCulture, $"{value} is not a finite number");
}
