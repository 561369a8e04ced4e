using static TorchSharp.torch;
using static TorchSharp.torch.nn.utils.rnn;

namespace LstmMlNet.Engine;

/// <summary>
/// The libtorch module (torch.nn.LSTM/GRU/RNN, built by the cell's <see cref="RecurrentCell.CreateWeights"/>) over the
/// whole stack in one call: on the batch as it is when no row is padded, else on a packed sequence (exact for every
/// row: each row's outputs and final state stop at its own length), padded back to T steps with zeros.
/// </summary>
internal sealed class ModulePath : IEncoderPath
{
    private readonly RecurrentEncoder encoder;

    public ModulePath(RecurrentEncoder encoder) => this.encoder = encoder;

    public EncoderOutput Run(Tensor input, SequenceMask mask, (Tensor H, Tensor? C)? initialState, GateRecorder? recorder, EncoderOutputUse use)
    {
        RecurrentCell cell = encoder.Cell;
        // On some CPUs libtorch 2.10's CPU LSTM gives wrong outputs on unpacked input when gradients are off (its
        // inference kernel; seen on one machine, not on another); the packed kernel is right on both. Pack LSTM input
        // whenever grad mode is off. Guarded by the test Fused_lstm_is_right_with_gradients_off.
        bool pack = !mask.Full || (cell.HasCellState && !is_grad_enabled());
        if (!pack) return cell.RunModule(encoder.WeightModule, input, initialState);

        using PackedSequence packed = pack_padded_sequence(input, mask.Lengths, batch_first: true, enforce_sorted: false);
        var (packedOut, hN, cN) = cell.RunModule(encoder.WeightModule, packed, initialState);
        using (packedOut)
        {
            var (padded, _) = pad_packed_sequence(packedOut, batch_first: true, padding_value: 0.0, total_length: mask.Steps);
            return new EncoderOutput(padded, hN, cN);
        }
    }
}
