using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.utils.rnn;

namespace LstmMlNet.Engine;

/// <summary><see cref="RecurrentCellKind.Gru"/>, the PyTorch/cuDNN form (see <see cref="GruFamilyCell"/>): weights in
/// torch.nn.GRU, fused kernel torch.gru, ONNX GRU with linear_before_reset = 1.</summary>
internal sealed class GruCell : GruFamilyCell
{
    public GruCell() : base(resetBefore: false)
    {
    }

    public override RecurrentCellKind Kind => RecurrentCellKind.Gru;

    public override string? FusedKernel => "gru";

    public override string WeightsName => "gru";

    public override OnnxCellForm Onnx { get; } = new("GRU", OnnxCellForm.GruOrder, new[] { ("linear_before_reset", 1L) });

    public override nn.Module CreateWeights(EncoderSpec spec) =>
        nn.GRU(spec.InputSize, spec.HiddenSize, spec.Layers, bias: true, batchFirst: true, dropout: spec.Dropout, bidirectional: spec.Bidirectional);

    public override EncoderOutput RunModule(nn.Module module, Tensor input, (Tensor H, Tensor? C)? initialState)
    {
        var (output, hidden) = ((GRU)module).call(input, initialState?.H);
        return new EncoderOutput(output, hidden, null);
    }

    public override (PackedSequence Output, Tensor H, Tensor? C) RunModule(nn.Module module, PackedSequence input, (Tensor H, Tensor? C)? initialState)
    {
        var (output, hidden) = ((GRU)module).call(input, initialState?.H);
        return (output, hidden, null);
    }
}
