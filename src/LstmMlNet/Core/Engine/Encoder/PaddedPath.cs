using static TorchSharp.torch;

namespace LstmMlNet.Engine;

/// <summary>
/// The fused kernels on the right-padded batch, without packing, exact all the same. Each layer and direction is one
/// unidirectional single-layer fused call on the encoder's own parameter tensors (through <see cref="FusedKernels"/>,
/// so gradients reach them): the forward direction reads the batch as it is, whose padding comes after each row's
/// last step and so cannot reach its valid outputs; the backward direction reads each row reversed within its length
/// (padding still at the end), and its outputs are reversed back the same way. A direction's final state for a row
/// is its output at the row's last step of that run. Outputs at padded steps are set to zero (so the next layer, the
/// pooling and the gradients see only valid steps). No final cell state: the padded steps overwrite it.
/// The reversal is a <see cref="StepReversal"/>, whose gradient is the same permutation. With a use other than
/// <see cref="EncoderOutputUse.AllSteps"/> the last layer's padded steps are left as the kernel wrote them, and with
/// <see cref="EncoderOutputUse.MaxOverValidSteps"/> its backward outputs stay in run order: the caller's selection or
/// maximum over valid steps is the same, value for value and gradient for gradient (up to which of exactly tied maxima
/// a tie-breaking maximum picks).
/// </summary>
internal sealed class PaddedPath : IEncoderPath
{
    private readonly RecurrentEncoder encoder;

    public PaddedPath(RecurrentEncoder encoder) => this.encoder = encoder;

    private EncoderSpec Spec => encoder.Spec;

    private bool training => encoder.training;

    private CellWeights Weights(int layer, int direction) => encoder.Weights(layer, direction);

    public EncoderOutput Run(Tensor input, SequenceMask mask, (Tensor H, Tensor? C)? initialState, GateRecorder? recorder, EncoderOutputUse use)
    {
        int hiddenSize = Spec.HiddenSize;
        Tensor padding = mask.Padding; // [B, T, 1]
        Tensor lastStep = mask.LastStep(hiddenSize);
        // Reversal within lengths as one row permutation of the flattened [B·T, D] batch (cheaper than a gather).
        Tensor? reversal = Spec.Bidirectional ? mask.ReversalRows : null;
        var finalH = new List<Tensor>(Spec.Layers * Spec.Directions);
        Tensor layerInput = input;
        for (int layer = 0; layer < Spec.Layers; layer++)
        {
            bool last = layer == Spec.Layers - 1;
            var directionOutputs = new List<Tensor>(Spec.Directions);
            for (int direction = 0; direction < Spec.Directions; direction++)
            {
                var (h0, c0) = encoder.InitialState(initialState, layer * Spec.Directions + direction, input, requireCellState: true);
                h0 = h0.unsqueeze(0);
                c0 = c0?.unsqueeze(0);
                Tensor sequence = direction == 0 ? layerInput : StepReversal.Apply(layerInput, reversal!);
                Tensor output = FusedKernels.Run(Spec.Cell, sequence, h0, c0, Weights(layer, direction), training);
                finalH.Add(output.gather(1, lastStep).squeeze(1));
                bool runOrder = direction == 0 || (last && use == EncoderOutputUse.MaxOverValidSteps);
                directionOutputs.Add(runOrder ? output : StepReversal.Apply(output, reversal!));
            }
            Tensor layerOutput = directionOutputs.Count == 1 ? directionOutputs[0] : cat(directionOutputs, dim: 2);
            if (!last || use == EncoderOutputUse.AllSteps) layerOutput = layerOutput.FilledWhere(padding, 0.0);
            layerInput = encoder.BetweenLayers(layerOutput, layer);
        }
        return new EncoderOutput(layerInput, stack(finalH, dim: 0), null);
    }
}
