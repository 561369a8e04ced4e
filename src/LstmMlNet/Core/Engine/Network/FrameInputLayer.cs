using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LstmMlNet.Engine;

/// <summary>Float frames [B, T, F] as the encoder's inputs, through a linear projection F → P when
/// <see cref="FrameInput.ProjectionSize"/> &gt; 0 (parameters <c>projection.weight</c> [P, F], <c>projection.bias</c> [P]).</summary>
internal sealed class FrameInputLayer : SequenceInputLayer
{
    private readonly Linear? projection;

    public FrameInputLayer(FrameInput spec) : base(nameof(FrameInputLayer))
    {
        Spec = spec;
        if (spec.ProjectionSize > 0) projection = nn.Linear(spec.FrameSize, spec.ProjectionSize);
        RegisterComponents();
    }

    public FrameInput Spec { get; }

    /// <summary>The projection F → P, or null without one.</summary>
    public Linear? Projection => projection;

    public override Tensor Embed(Tensor inputs)
    {
        if (inputs.dim() != 3 || inputs.shape[2] != Spec.FrameSize)
            throw new ArgumentException($"Frame input must have shape [batch, steps, {Spec.FrameSize}]; got [{string.Join(", ", inputs.shape)}].", nameof(inputs));
        return projection is null ? inputs : projection.call(inputs);
    }
}
