using LstmMlNet.Engine;
using static TorchSharp.torch;

namespace LstmMlNet.Tests.Engine;

/// <summary>Each <see cref="TorchScalars"/> method gives bit for bit what the TorchSharp form it replaces gives (the
/// TorchSharp forms run here, in a test, where their temporaries are harmless), gradients included.</summary>
public sealed class TorchScalarsTests
{
    private static (Tensor A, Tensor B, Tensor Mask) Inputs()
    {
        random.manual_seed(3);
        return (randn(4, 5), randn(4, 5), rand(4, 5).lt(0.3));
    }

    private static void Same(Tensor expected, Tensor actual, string what)
    {
        Assert.Equal(expected.dtype, actual.dtype);
        Assert.True(expected.shape.SequenceEqual(actual.shape), what);
        Assert.True(expected.eq(actual).logical_or(expected.isnan().logical_and(actual.isnan())).all().item<bool>(), what);
    }

    [Fact]
    public void Values_equal_TorchSharps_operators_bit_for_bit()
    {
        using var scope = NewDisposeScope();
        var (a, b, mask) = Inputs();
        Same(a + b, a.Plus(b), "Plus");
        Same(a + 0.25, a.Plus(0.25), "Plus(double)");
        Same(1 - a, a.OneMinus(), "OneMinus");
        Same(a * 0.3, a.Times(0.3), "Times");
        Same(a / 3.0, a.Over(3.0), "Over");
        Same(a.square(), a.Squared(), "Squared");
        Same(a.masked_fill(mask, double.NegativeInfinity), a.FilledWhere(mask, double.NegativeInfinity), "FilledWhere");
        Same(a.lt(0.1), a.LessThan(0.1), "LessThan");
        Same(a.gt(-0.2), a.GreaterThan(-0.2), "GreaterThan");
        Same(a.eq(0.0), a.EqualTo(0.0), "EqualTo");
        Tensor lengths = tensor(new long[] { 3, 1, 5 });
        Same(lengths - 1, lengths.Minus(1), "Minus");
        Same(lengths * 7L, lengths.Times(7L), "Times(long)");
        Same(lengths / 2L, lengths.Over(2L), "Over(long)");
        Same(arange(6), TorchScalars.Range(6, ScalarType.Int64), "Range");
        Same(arange(2, 9), TorchScalars.Range(2, 9, ScalarType.Int64), "Range(start)");
        Same(full(new long[] { 3 }, 4L, ScalarType.Int64), TorchScalars.Full(new long[] { 3 }, 4L, ScalarType.Int64), "Full(long)");
        Same(full(new long[] { 2, 2 }, 0.5, ScalarType.Float32), TorchScalars.Full(new long[] { 2, 2 }, 0.5, ScalarType.Float32), "Full(double)");
        Same(a.clone().fill_(0.7), a.clone().FillWith(0.7), "FillWith");
        Same(a.clone().mul_(0.9), a.clone().TimesInPlace(0.9), "TimesInPlace");
        Same(a.clone().add_(b, 0.1), a.clone().PlusScaledInPlace(b, 0.1), "PlusScaledInPlace");
        Same(a.add(b, 0.1), a.PlusScaled(b, 0.1), "PlusScaled");
        Same(a.clone().add_(1e-8), a.clone().PlusInPlace(1e-8), "PlusInPlace(double)");
        Same(a.clone().add_(b), a.clone().PlusInPlace(b), "PlusInPlace");
        Same(a.clone().addcmul_(b, b, 0.001), a.clone().PlusProductInPlace(b, b, 0.001), "PlusProductInPlace");
        Same(a.clone().addcdiv_(b, b.abs().add(1), -0.01), a.clone().PlusQuotientInPlace(b, b.abs().add(1), -0.01), "PlusQuotientInPlace");
    }

    [Fact]
    public void Gradients_equal_TorchSharps_operators_bit_for_bit()
    {
        using var scope = NewDisposeScope();
        var (a0, b0, _) = Inputs();
        Tensor Grad(Func<Tensor, Tensor, Tensor> f)
        {
            Tensor a = a0.clone().requires_grad_(), b = b0.clone().requires_grad_();
            f(a, b).sum().backward();
            return cat(new[] { a.grad!, b.grad! });
        }
        Same(Grad((a, b) => ((1 - a) * b + a * a.square()) / 3.0), Grad((a, b) => (a.OneMinus() * b).Plus(a * a.Squared()).Over(3.0)), "gradient");
    }
}
