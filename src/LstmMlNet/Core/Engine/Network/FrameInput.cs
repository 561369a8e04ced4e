namespace LstmMlNet.Engine;

/// <summary>Float frames [B, T, F], optionally projected linearly F → P.</summary>
/// <param name="FrameSize">Features per step F, positive.</param>
/// <param name="ProjectionSize">Width P of a linear projection of each frame; 0 (default) for none.</param>
/// <param name="StepSkip">Per-step outputs only: add a bias-free linear map F → Outputs of each step's frame, initialised
/// to zero, to that step's head output — a direct path from a step's inputs to its output beside the recurrent one.
/// Default false.</param>
internal sealed record FrameInput(int FrameSize, int ProjectionSize = 0, bool StepSkip = false) : NetworkInput
{
    public override SequenceInputKind Kind => SequenceInputKind.Frames;

    public override int EncoderInputSize => ProjectionSize > 0 ? ProjectionSize : FrameSize;

    public override void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(FrameSize);
        ArgumentOutOfRangeException.ThrowIfNegative(ProjectionSize);
    }
}
