using LstmMlNet.Engine;
using Mono.Cecil;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LstmMlNet.Tests.Infrastructure;

/// <summary>
/// The guard that keeps the libtorch Scalar crash fixed: the compiled library hands libtorch no Scalar that nothing keeps
/// alive. Numbers reach libtorch only through <see cref="TorchScalars"/> (static constants, or a <c>using</c> around the
/// call); no implicit conversion to Scalar, no <c>ToScalar</c> elsewhere, no TorchSharp member that makes a temporary
/// Scalar inside (<c>a + b</c>, <c>square()</c>, the optimisers' steps).
/// </summary>
public sealed class ScalarLifetimeGuardTests
{
    private static readonly Lazy<ScalarLifetimeGuard> Guard = new(() => new ScalarLifetimeGuard(typeof(TorchSharp.torch).Assembly.Location));

    /// <summary>What the library may do: <see cref="TorchScalars"/> makes scalars (each in a using or a static field,
    /// read in review); the fused kernels call TorchScript's <c>invoke</c>, which turns float, double and long arguments
    /// into Scalars, with tensors and a bool only (checked: the method boxes no such number).</summary>
    private static bool Allowed(MethodDefinition caller, MethodReference call) =>
        (caller.DeclaringType.FullName == typeof(TorchScalars).FullName && call.Name == "ToScalar")
        || (caller.DeclaringType.FullName == "LstmMlNet.Engine.FusedKernels" && caller.Name == "RunLibTorch"
            && call.DeclaringType.Name == "CompilationUnit" && call.Name == "invoke" && !ScalarLifetimeGuard.BoxesScalarNumbers(caller));

    [Theory]
    [InlineData(typeof(TorchScalars))]
    [InlineData(typeof(Microsoft.ML.ComparisonCatalogExtensions))]
    public void The_library_hands_libtorch_no_temporary_scalar(Type inAssembly)
    {
        IReadOnlyList<ScalarLifetimeGuard.Finding> findings = Guard.Value.Scan(inAssembly.Assembly.Location, Allowed);
        Assert.True(findings.Count == 0,
            "Temporary TorchSharp Scalars (pass numbers through LstmMlNet.Engine.TorchScalars instead):\n" + string.Join("\n", findings.Distinct()));
    }

    [Fact]
    public void The_guard_knows_the_temporaries_inside_TorchSharp()
    {
        IReadOnlySet<string> makers = Guard.Value.Makers;
        // If one of these stops being a maker, TorchSharp changed how it passes scalars: read its source again before
        // relaxing anything here.
        Assert.Contains(makers, m => m.Contains("TorchSharp.torch/Tensor::op_Addition(TorchSharp.torch/Tensor,TorchSharp.torch/Tensor)", StringComparison.Ordinal));
        Assert.Contains(makers, m => m.Contains("TorchSharp.torch/Tensor::square()", StringComparison.Ordinal));
        Assert.Contains(makers, m => m.Contains("TorchSharp.Modules.Adam::step(", StringComparison.Ordinal));
        Assert.Contains(makers, m => m.Contains("TorchSharp.torch/optim/Optimizer::step(", StringComparison.Ordinal));
        Assert.DoesNotContain(makers, m => m.Contains("TorchSharp.torch/Tensor::mul(TorchSharp.torch/Tensor)", StringComparison.Ordinal));
        Assert.DoesNotContain(makers, m => m.Contains("TorchSharp.torch/Tensor::add(TorchSharp.torch/Tensor,TorchSharp.Scalar)", StringComparison.Ordinal));
    }

    /// <summary>Each method of <see cref="DeliberateViolations"/> adds one kind of temporary; the guard must name every one.</summary>
    [Theory]
    [InlineData(nameof(DeliberateViolations.ImplicitDouble), "TorchSharp.Scalar.op_Implicit(Double)")]
    [InlineData(nameof(DeliberateViolations.OperatorWithNumber), "op_Multiply(Tensor, Double)")]
    [InlineData(nameof(DeliberateViolations.TensorSum), "op_Addition(Tensor, Tensor)")]
    [InlineData(nameof(DeliberateViolations.Square), "square()")]
    [InlineData(nameof(DeliberateViolations.MaskedFillWithInfinity), "TorchSharp.Scalar.op_Implicit(Double)")]
    [InlineData(nameof(DeliberateViolations.TorchSharpAdam), "step(")]
    [InlineData(nameof(DeliberateViolations.ToScalarOutsideTheWrapper), "ToScalar(Double)")]
    public void The_guard_fails_on_a_deliberately_added_temporary(string method, string callee)
    {
        IReadOnlyList<ScalarLifetimeGuard.Finding> findings = Guard.Value.Scan(typeof(DeliberateViolations).Assembly.Location, Allowed,
            t => t.FullName == typeof(DeliberateViolations).FullName!.Replace('+', '/'));
        Assert.Contains(findings, f => f.Method.EndsWith("." + method, StringComparison.Ordinal) && f.Callee.Contains(callee, StringComparison.Ordinal));
    }

    [Fact]
    public void The_guard_passes_the_wrapper_forms_of_the_same_operations()
    {
        IReadOnlyList<ScalarLifetimeGuard.Finding> findings = Guard.Value.Scan(typeof(WrapperForms).Assembly.Location, Allowed,
            t => t.FullName == typeof(WrapperForms).FullName!.Replace('+', '/'));
        Assert.Empty(findings);
    }

    /// <summary>Never run: compiled only for the guard to read.</summary>
    private static class DeliberateViolations
    {
        public static Tensor ImplicitDouble(Tensor t) => t.mul(0.5);

        public static Tensor OperatorWithNumber(Tensor t) => t * 2.0;

        public static Tensor TensorSum(Tensor a, Tensor b) => a + b;

        public static Tensor Square(Tensor t) => t.square();

        public static Tensor MaskedFillWithInfinity(Tensor t, Tensor mask) => t.masked_fill(mask, double.NegativeInfinity);

        public static void TorchSharpAdam(IEnumerable<Parameter> parameters)
        {
            using var optimizer = optim.Adam(parameters);
            optimizer.step();
        }

        public static Tensor ToScalarOutsideTheWrapper(Tensor t)
        {
            using TorchSharp.Scalar s = TorchSharp.ScalarExtensionMethods.ToScalar(0.5);
            return t.mul(s);
        }
    }

    /// <summary>Never run: the same operations written through <see cref="TorchScalars"/>.</summary>
    private static class WrapperForms
    {
        public static Tensor Times(Tensor t) => t.Times(0.5) * t;

        public static Tensor TensorSum(Tensor a, Tensor b) => a.Plus(b) - b;

        public static Tensor Square(Tensor t) => t.Squared();

        public static Tensor MaskedFillWithInfinity(Tensor t, Tensor mask) => t.FilledWhere(mask, double.NegativeInfinity);
    }
}
