using static TorchSharp.torch;

namespace LstmMlNet.Tests.Infrastructure;

/// <summary>Tensor comparisons that report the largest difference when they fail.</summary>
internal static class TensorAssert
{
    public static void Close(Tensor expected, Tensor actual, double tolerance, string what)
    {
        Assert.True(expected.shape.SequenceEqual(actual.shape),
            $"{what}: shape [{string.Join(", ", expected.shape)}] vs [{string.Join(", ", actual.shape)}]");
        double diff = (expected.detach().to(float64) - actual.detach().to(float64)).abs().max().item<double>();
        Assert.True(diff <= tolerance, $"{what}: max |difference| {diff:E3} exceeds {tolerance:E1}");
    }

    /// <summary>Asserts |expected − actual| ≤ tolerance · max(1, |expected|) in every entry (absolute near zero,
    /// relative for large values) and returns the largest |expected − actual| / max(1, |expected|).</summary>
    public static double CloseScaled(Tensor expected, Tensor actual, double tolerance, string what)
    {
        Assert.True(expected.shape.SequenceEqual(actual.shape),
            $"{what}: shape [{string.Join(", ", expected.shape)}] vs [{string.Join(", ", actual.shape)}]");
        Tensor e = expected.detach().to(float64), a = actual.detach().to(float64);
        double diff = ((e - a).abs() / e.abs().clamp_min(1.0)).max().item<double>();
        Assert.True(diff <= tolerance, $"{what}: max scaled |difference| {diff:E3} exceeds {tolerance:E1}");
        return diff;
    }

    /// <summary>True when both tensors have the same shape and bit-identical values.</summary>
    public static bool Identical(Tensor a, Tensor b) =>
        a.shape.SequenceEqual(b.shape) && a.detach().eq(b.detach()).all().item<bool>();

    public static double MaxAbs(Tensor t) => t.detach().abs().max().to(float64).item<double>();
}
