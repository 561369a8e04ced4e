using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.utils.rnn;

namespace LstmMlNet.Engine;

/// <summary>Elman RNN step: h' = φ(x + U h + b_hh) with φ = tanh (<see cref="RnnTanhCell"/>) or ReLU
/// (<see cref="RnnReluCell"/>), x = W x_t + b_ih precomputed. ∂h'/∂h = diag(φ') U, whose repeated product over steps
/// is what vanishes or explodes. Weights in torch.nn.RNN; ONNX RNN with the activation per direction.</summary>
internal abstract class ElmanCell : RecurrentCell
{
    private readonly bool relu;
    private readonly (string, string)[] gates;

    protected ElmanCell(bool relu)
    {
        this.relu = relu;
        gates = new[] { ("h", relu ? "relu" : "tanh") };
        Onnx = new OnnxCellForm("RNN", new[] { 0 }, Array.Empty<(string, long)>(), Activation: relu ? "Relu" : "Tanh");
    }

    public override int GateCount => 1;

    public override IReadOnlyList<(string Name, string Activation)> Gates => gates;

    public override bool HasCellState => false;

    public override string WeightsName => "rnn";

    public override OnnxCellForm Onnx { get; }

    public override (Tensor H, Tensor? C) Step(Tensor inputProjection, Tensor h, Tensor? c, CellWeights weights, GateRecorder? recorder)
    {
        Tensor pre = inputProjection.Plus(nn.functional.linear(h, weights.RecurrentWeight, weights.RecurrentBias));
        Tensor hNext = relu ? pre.relu() : pre.tanh();
        recorder?.Record(("h", hNext));
        return (hNext, null);
    }

    public override nn.Module CreateWeights(EncoderSpec spec) =>
        nn.RNN(spec.InputSize, spec.HiddenSize, spec.Layers, relu ? nn.NonLinearities.ReLU : nn.NonLinearities.Tanh,
            bias: true, batchFirst: true, dropout: spec.Dropout, bidirectional: spec.Bidirectional);

    public override EncoderOutput RunModule(nn.Module module, Tensor input, (Tensor H, Tensor? C)? initialState)
    {
        var (output, hidden) = ((RNN)module).call(input, initialState?.H);
        return new EncoderOutput(output, hidden, null);
    }

    public override (PackedSequence Output, Tensor H, Tensor? C) RunModule(nn.Module module, PackedSequence input, (Tensor H, Tensor? C)? initialState)
    {
        var (output, hidden) = ((RNN)module).call(input, initialState?.H);
        return (output, hidden, null);
    }
}
