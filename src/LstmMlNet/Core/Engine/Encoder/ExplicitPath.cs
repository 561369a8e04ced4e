using static TorchSharp.torch;

namespace LstmMlNet.Engine;

/// <summary>
/// The cell's equations (<see cref="RecurrentCell.Step"/>) step by step: per layer and direction, the input projection
/// W x + b_ih for all steps at once, then one step per time step. Rows shorter than the batch keep their state past
/// their length (h and c are carried, not updated, where t ≥ len_b) and output zeros there. The backward direction
/// reads each row reversed within its length. The only path for cells without a libtorch kernel, and for diagnostics:
/// a <see cref="GateRecorder"/> receives the forward direction's activations of every layer at every step.
/// </summary>
internal sealed class ExplicitPath : IEncoderPath
{
    private readonly RecurrentEncoder encoder;

    public ExplicitPath(RecurrentEncoder encoder) => this.encoder = encoder;

    public EncoderOutput Run(Tensor input, SequenceMask mask, (Tensor H, Tensor? C)? initialState, GateRecorder? recorder, EncoderOutputUse use)
    {
        EncoderSpec spec = encoder.Spec;
        RecurrentCell cell = encoder.Cell;
        long steps = mask.Steps;
        // valid[b, t] = t < length[b]; only needed when some sequence is shorter than the batch.
        Tensor? valid = mask.Full ? null : mask.Valid;

        var finalH = new List<Tensor>();
        var finalC = new List<Tensor>();
        Tensor layerInput = input;
        for (int layer = 0; layer < spec.Layers; layer++)
        {
            var directionOutputs = new List<Tensor>(spec.Directions);
            for (int direction = 0; direction < spec.Directions; direction++)
            {
                CellWeights w = encoder.Weights(layer, direction);
                var (h, c) = encoder.InitialState(initialState, layer * spec.Directions + direction, input, requireCellState: false);
                Tensor sequence = direction == 0 ? layerInput : mask.Reverse(layerInput);
                Tensor projection = nn.functional.linear(sequence, w.InputWeight, w.InputBias);
                GateRecorder? stepRecorder = direction == 0 ? recorder : null;
                if (stepRecorder is not null) stepRecorder.Layer = layer;
                var outputs = new Tensor[steps];
                for (long t = 0; t < steps; t++)
                {
                    var (hNext, cNext) = cell.Step(projection.select(1, t), h, c, w, stepRecorder);
                    if (valid is null)
                    {
                        h = hNext;
                        c = cNext;
                        outputs[t] = hNext;
                    }
                    else
                    {
                        Tensor m = valid.select(1, t);
                        h = where(m, hNext, h);
                        if (c is not null) c = where(m, cNext!, c);
                        outputs[t] = hNext * m;
                    }
                }
                Tensor output = stack(outputs, dim: 1);
                directionOutputs.Add(direction == 0 ? output : mask.Reverse(output));
                finalH.Add(h);
                if (c is not null) finalC.Add(c);
            }
            Tensor layerOutput = directionOutputs.Count == 1 ? directionOutputs[0] : cat(directionOutputs, dim: 2);
            layerInput = encoder.BetweenLayers(layerOutput, layer);
        }
        return new EncoderOutput(layerInput, stack(finalH, dim: 0), finalC.Count > 0 ? stack(finalC, dim: 0) : null);
    }
}
