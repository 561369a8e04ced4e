using static TorchSharp.torch;

namespace LstmMlNet.Engine;

/// <summary>
/// One way of running a <see cref="RecurrentEncoder"/>'s layers over a checked, right-padded batch: the libtorch module
/// (<see cref="ModulePath"/>), libtorch's fused kernels per layer and direction on the padded batch
/// (<see cref="PaddedPath"/>), or the cell's equations step by step (<see cref="ExplicitPath"/>). Every path reads the
/// same weight tensors and gives the same results to rounding; the encoder picks one per call.
/// </summary>
internal interface IEncoderPath
{
    /// <summary>Runs the stack. <paramref name="input"/>: [B, T, I]; <paramref name="mask"/>: the batch's lengths;
    /// <paramref name="initialState"/>: optional (h0, c0), each [layers·directions, B, H]; <paramref name="recorder"/>:
    /// gate activations (explicit path only); <paramref name="use"/>: what the caller reads of the last layer's outputs
    /// (padded path only).</summary>
    EncoderOutput Run(Tensor input, SequenceMask mask, (Tensor H, Tensor? C)? initialState, GateRecorder? recorder, EncoderOutputUse use);
}
