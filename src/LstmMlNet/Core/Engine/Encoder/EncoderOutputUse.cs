namespace LstmMlNet.Engine;

/// <summary>
/// What the caller of <see cref="RecurrentEncoder.Forward"/> reads of the last layer's per-step outputs. It lets the
/// padded training path (<see cref="PaddedPath"/>) leave out work whose result the caller never sees;
/// every other path returns <see cref="AllSteps"/> whatever is asked.
/// </summary>
internal enum EncoderOutputUse
{
    /// <summary>Every step, as <see cref="EncoderOutput.Output"/> documents: zero at padded steps, steps in order.</summary>
    AllSteps = 0,

    /// <summary>Only each sequence's valid steps, read by selection (a gather or a masked fill, never by multiplying):
    /// the last layer's padded steps may hold any finite value. Last-step pooling.</summary>
    ValidSteps,

    /// <summary>Only the maximum, per sequence and channel, over the sequence's valid steps: as
    /// <see cref="ValidSteps"/>, and the backward direction's valid steps may also come in reversed order within each
    /// length (its run order), which saves reversing them back. Max pooling. The maximum and its gradient are the same;
    /// only where a channel has exactly tied maxima within a sequence may a tie-breaking maximum (max with indices)
    /// send the gradient to a different one of the tied steps.</summary>
    MaxOverValidSteps,
}
