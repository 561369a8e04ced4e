using LstmMlNet.Engine;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LstmMlNet.Training;

/// <summary>
/// Adam, AdamW and SGD (with momentum) over dense parameters, the same arithmetic in the same order as TorchSharp's
/// <c>optim.Adam</c>, <c>optim.AdamW</c> and <c>optim.SGD</c> (β = (0.9, 0.999), ε = 1e-8, bias correction by each
/// parameter's step count, no dampening, no Nesterov), written here because TorchSharp's steps hand libtorch
/// implicitly converted <c>Scalar</c> temporaries that a garbage collection can free during the native call (see
/// <see cref="TorchScalars"/>). Every number goes through <see cref="TorchScalars"/>. Parameters without a gradient are
/// skipped, as TorchSharp does. The tests hold the steps equal to TorchSharp's over many steps.
/// </summary>
internal abstract class DenseOptimizer : IDisposable
{
    private readonly Parameter[] parameters;

    protected DenseOptimizer(IEnumerable<Parameter> parameters, double learningRate)
    {
        this.parameters = parameters.ToArray();
        LearningRate = learningRate;
    }

    /// <summary>The learning rate of the next <see cref="Step"/>; the loop sets it from its schedule.</summary>
    public double LearningRate { get; set; }

    /// <summary>The parameters this optimiser updates.</summary>
    public IReadOnlyList<Parameter> Parameters => parameters;

    /// <summary>The optimiser that <paramref name="options"/> name, over <paramref name="parameters"/>.</summary>
    public static DenseOptimizer Create(IEnumerable<Parameter> parameters, TrainingOptions options) => options.Optimizer switch
    {
        OptimizerKind.Adam => new AdamOptimizer(parameters, options.LearningRate, options.WeightDecay, decoupled: false),
        OptimizerKind.AdamW => new AdamOptimizer(parameters, options.LearningRate, options.WeightDecay, decoupled: true),
        OptimizerKind.Sgd => new SgdOptimizer(parameters, options.LearningRate, options.Momentum, options.WeightDecay),
        _ => throw new ArgumentOutOfRangeException(nameof(options), options.Optimizer, "Unknown optimizer."),
    };

    /// <summary>Zeroes every gradient that exists, as TorchSharp's <c>zero_grad</c> does (a parameter that once had a
    /// gradient keeps taking steps, with a zero gradient where a batch does not reach it).</summary>
    public void ZeroGrad()
    {
        foreach (Parameter p in parameters)
        {
            using Tensor? grad = p.grad;
            grad?.zero_();
        }
    }

    /// <summary>One update of every parameter that has a gradient, without recording autograd history.</summary>
    public void Step()
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        for (int k = 0; k < parameters.Length; k++)
        {
            Tensor? grad = parameters[k].grad;
            if (grad is null) continue;
            Update(k, parameters[k], grad);
        }
    }

    /// <summary>Updates parameter <paramref name="index"/> from its gradient, inside <see cref="Step"/>'s scope.</summary>
    protected abstract void Update(int index, Parameter parameter, Tensor grad);

    /// <summary>The optimiser's own state tensor for a parameter, outside every dispose scope.</summary>
    protected static Tensor State(Parameter parameter) => zeros_like(parameter).DetachFromDisposeScope();

    public abstract void Dispose();
}

/// <summary>Adam (L2 weight decay added to the gradient) or, <c>decoupled</c>, AdamW (the weights shrink by
/// <c>1 − lr · decay</c> before the step).</summary>
internal sealed class AdamOptimizer : DenseOptimizer
{
    private const double Beta1 = 0.9, Beta2 = 0.999, Epsilon = 1e-8;
    private readonly double weightDecay;
    private readonly bool decoupled;
    private readonly Tensor?[] first;
    private readonly Tensor?[] second;
    private readonly int[] steps;

    public AdamOptimizer(IEnumerable<Parameter> parameters, double learningRate, double weightDecay, bool decoupled)
        : base(parameters, learningRate)
    {
        this.weightDecay = weightDecay;
        this.decoupled = decoupled;
        first = new Tensor?[Parameters.Count];
        second = new Tensor?[Parameters.Count];
        steps = new int[Parameters.Count];
    }

    protected override void Update(int index, Parameter parameter, Tensor grad)
    {
        Tensor m = first[index] ??= State(parameter);
        Tensor v = second[index] ??= State(parameter);
        int step = ++steps[index];
        double lr = LearningRate;
        if (decoupled) parameter.TimesInPlace(1 - lr * weightDecay);
        double correction1 = 1 - Math.Pow(Beta1, step);
        double correction2 = 1 - Math.Pow(Beta2, step);
        if (!decoupled && weightDecay != 0) grad = grad.PlusScaled(parameter, weightDecay);
        m.TimesInPlace(Beta1).PlusScaledInPlace(grad, 1 - Beta1);
        v.TimesInPlace(Beta2).PlusProductInPlace(grad, grad, 1 - Beta2);
        Tensor denominator = v.sqrt().Over(Math.Sqrt(correction2)).PlusInPlace(Epsilon);
        parameter.PlusQuotientInPlace(m, denominator, -(lr / correction1));
    }

    public override void Dispose()
    {
        foreach (Tensor? t in first.Concat(second)) t?.Dispose();
    }
}

/// <summary>Stochastic gradient descent with optional momentum (the first step's buffer is the gradient itself) and L2
/// weight decay.</summary>
internal sealed class SgdOptimizer : DenseOptimizer
{
    private readonly double momentum;
    private readonly double weightDecay;
    private readonly Tensor?[] buffers;

    public SgdOptimizer(IEnumerable<Parameter> parameters, double learningRate, double momentum, double weightDecay)
        : base(parameters, learningRate)
    {
        this.momentum = momentum;
        this.weightDecay = weightDecay;
        buffers = new Tensor?[Parameters.Count];
    }

    protected override void Update(int index, Parameter parameter, Tensor grad)
    {
        if (weightDecay != 0) grad = grad.PlusScaled(parameter, weightDecay);
        if (momentum != 0)
        {
            if (buffers[index] is not { } buffer)
            {
                buffers[index] = grad.clone().detach().DetachFromDisposeScope();
            }
            else
            {
                buffer.TimesInPlace(momentum).PlusScaledInPlace(grad, 1.0);
            }
            grad = buffers[index]!;
        }
        parameter.PlusScaledInPlace(grad, -LearningRate);
    }

    public override void Dispose()
    {
        foreach (Tensor? t in buffers) t?.Dispose();
    }
}
