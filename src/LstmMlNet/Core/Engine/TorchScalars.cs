using TorchSharp;
using static TorchSharp.torch;

namespace LstmMlNet.Engine;

/// <summary>
/// The one way this library hands a number to libtorch. A TorchSharp <see cref="Scalar"/> owns a native
/// <c>c10::Scalar</c> and frees it in its finalizer; one made by an implicit conversion (<c>t.mul_(0.5)</c>,
/// <c>t * 2</c>, <c>masked_fill(mask, double.NegativeInfinity)</c>) or inside TorchSharp (<c>a + b</c> passes a
/// temporary <c>alpha = 1</c>, <c>square()</c> a temporary exponent, the optimisers' steps their betas) is
/// unreachable once its native pointer has been read, so a garbage collection during the native call can free the
/// scalar while libtorch still reads it ("toFloat at c10/core/Scalar.h", "Unknown scalar type": the process aborts).
/// Every method here either uses a constant that a static field keeps alive for the life of the process, or makes its
/// scalar in a <c>using</c> that spans the native call. The rest of the library calls these instead of TorchSharp's
/// number-taking overloads; <c>ScalarLifetimeGuardTests</c> reads the compiled assembly and fails on any implicit
/// conversion to <see cref="Scalar"/>, any <c>ToScalar</c> outside this class, and any TorchSharp member that makes a
/// temporary scalar inside.
/// </summary>
internal static class TorchScalars
{
    // Rooted by static fields: never finalised, so never freed under a native call. A c10::Scalar is read-only and
    // may be read by many threads at once.
    private static readonly Scalar One = 1.ToScalar();
    private static readonly Scalar Two = 2.ToScalar();

    /// <summary>Runs <paramref name="call"/> with <paramref name="value"/> as a Scalar that lives until the call returns.</summary>
    private static Tensor With(double value, Func<Scalar, Tensor> call)
    {
        using Scalar s = value.ToScalar();
        return call(s);
    }

    /// <summary>Runs <paramref name="call"/> with <paramref name="value"/> as an integer Scalar that lives until the call returns.</summary>
    private static Tensor With(long value, Func<Scalar, Tensor> call)
    {
        using Scalar s = value.ToScalar();
        return call(s);
    }

    /// <summary><c>a + b</c> (TorchSharp's operator passes a temporary <c>alpha = 1</c>).</summary>
    public static Tensor Plus(this Tensor a, Tensor b) => a.add(b, One);

    /// <summary><c>a += b</c> in place.</summary>
    public static Tensor PlusInPlace(this Tensor a, Tensor b) => a.add_(b, One);

    /// <summary><c>a + alpha · b</c> in place.</summary>
    public static Tensor PlusScaledInPlace(this Tensor a, Tensor b, double alpha) =>
        With(alpha, s => a.add_(b, s));

    /// <summary><c>a + alpha · b</c>.</summary>
    public static Tensor PlusScaled(this Tensor a, Tensor b, double alpha) =>
        With(alpha, s => a.add(b, s));

    /// <summary><c>t + value</c> (the same operation as TorchSharp's <c>t + value</c>).</summary>
    public static Tensor Plus(this Tensor t, double value) =>
        With(value, s => t.add(s, One));

    /// <summary><c>t + value</c> in place.</summary>
    public static Tensor PlusInPlace(this Tensor t, double value) =>
        With(value, s => t.add_(s, One));

    /// <summary><c>1 - t</c>, computed as TorchSharp's operator does: <c>(-t) + 1</c>.</summary>
    public static Tensor OneMinus(this Tensor t) => t.neg().add(One, One);

    /// <summary><c>t - value</c> for an integer <paramref name="value"/> (lengths, indices).</summary>
    public static Tensor Minus(this Tensor t, long value) =>
        With(value, s => t.sub(s));

    /// <summary><c>t · value</c>.</summary>
    public static Tensor Times(this Tensor t, double value) =>
        With(value, s => t.mul(s));

    /// <summary><c>t · value</c> for an integer <paramref name="value"/> (keeps an integer tensor integer).</summary>
    public static Tensor Times(this Tensor t, long value) =>
        With(value, s => t.mul(s));

    /// <summary><c>t ·= value</c> in place.</summary>
    public static Tensor TimesInPlace(this Tensor t, double value) =>
        With(value, s => t.mul_(s));

    /// <summary><c>t / value</c>.</summary>
    public static Tensor Over(this Tensor t, double value) =>
        With(value, s => t.div(s));

    /// <summary><c>t / value</c> for an integer <paramref name="value"/> (true division, as TorchSharp's operator).</summary>
    public static Tensor Over(this Tensor t, long value) =>
        With(value, s => t.div(s));

    /// <summary><c>t²</c> (TorchSharp's <c>square()</c> passes a temporary exponent 2).</summary>
    public static Tensor Squared(this Tensor t) => t.pow(Two);

    /// <summary><c>t += value · a ⊙ b</c> in place.</summary>
    public static Tensor PlusProductInPlace(this Tensor t, Tensor a, Tensor b, double value) =>
        With(value, s => t.addcmul_(a, b, s));

    /// <summary><c>t += value · a ⊘ b</c> in place.</summary>
    public static Tensor PlusQuotientInPlace(this Tensor t, Tensor a, Tensor b, double value) =>
        With(value, s => t.addcdiv_(a, b, s));

    /// <summary><c>t &lt; value</c>, element-wise (bool).</summary>
    public static Tensor LessThan(this Tensor t, double value) =>
        With(value, s => t.lt(s));

    /// <summary><c>t &gt; value</c>, element-wise (bool).</summary>
    public static Tensor GreaterThan(this Tensor t, double value) =>
        With(value, s => t.gt(s));

    /// <summary><c>t == value</c>, element-wise (bool).</summary>
    public static Tensor EqualTo(this Tensor t, double value) =>
        With(value, s => t.eq(s));

    /// <summary>Sets every element of <paramref name="t"/> to <paramref name="value"/>.</summary>
    public static Tensor FillWith(this Tensor t, double value) =>
        With(value, s => t.fill_(s));

    /// <summary><paramref name="t"/> with <paramref name="value"/> where <paramref name="mask"/> is true.</summary>
    public static Tensor FilledWhere(this Tensor t, Tensor mask, double value) =>
        With(value, s => t.masked_fill(mask, s));

    /// <summary>A tensor of <paramref name="shape"/> filled with <paramref name="value"/>.</summary>
    public static Tensor Full(long[] shape, long value, ScalarType dtype, Device? device = null) =>
        With(value, s => full(shape, s, dtype, device));

    /// <summary>A tensor of <paramref name="shape"/> filled with <paramref name="value"/>.</summary>
    public static Tensor Full(long[] shape, double value, ScalarType dtype, Device? device = null) =>
        With(value, s => full(shape, s, dtype, device));

    /// <summary>0, 1, …, <paramref name="stop"/> − 1.</summary>
    public static Tensor Range(long stop, ScalarType dtype, Device? device = null) => Range(0, stop, dtype, device);

    /// <summary><paramref name="start"/>, …, <paramref name="stop"/> − 1.</summary>
    public static Tensor Range(long start, long stop, ScalarType dtype, Device? device = null)
    {
        using Scalar a = start.ToScalar();
        using Scalar b = stop.ToScalar();
        return arange(a, b, One, dtype, device);
    }
}
