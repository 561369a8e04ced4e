using LstmMlNet.Engine;
using TorchSharp;
using static TorchSharp.torch;

namespace LstmMlNet.Tests.Reference;

/// <summary>
/// A <see cref="ReferenceProblem"/> run through libtorch's own single-layer <c>nn.LSTM</c> / <c>nn.GRU</c> /
/// <c>nn.RNN</c> in float64 (time-major, the problem's weights copied into <c>weight_ih_l0</c>, <c>weight_hh_l0</c>,
/// <c>bias_ih_l0</c>, <c>bias_hh_l0</c>), with autograd for the gradients of the problem's loss. Every tensor is
/// returned detached, in the reference's shapes.
/// </summary>
internal sealed record LibTorchRecurrence(
    Tensor Outputs, Tensor FinalHidden, Tensor? FinalCell,
    Tensor InputWeightGrad, Tensor RecurrentWeightGrad, Tensor InputBiasGrad, Tensor RecurrentBiasGrad,
    Tensor InputsGrad, Tensor InitialHiddenGrad, Tensor? InitialCellGrad)
{
    /// <summary>Runs the problem; <paramref name="weightNudge"/> is added to the first entry of W_hh
    /// (0 for the faithful run, non-zero to show that the comparison notices a small change).</summary>
    public static LibTorchRecurrence Run(ReferenceProblem problem, double weightNudge = 0)
    {
        var p = problem.Parameters;
        long rows = p.GateRows, input = p.InputSize, hidden = p.HiddenSize, steps = problem.Steps, batch = problem.Batch;
        using nn.Module module = problem.Cell switch
        {
            RecurrentCellKind.Lstm => nn.LSTM(input, hidden, 1, bias: true, batchFirst: false),
            RecurrentCellKind.Gru => nn.GRU(input, hidden, 1, bias: true, batchFirst: false),
            RecurrentCellKind.RnnTanh => nn.RNN(input, hidden, 1, nn.NonLinearities.Tanh, bias: true, batchFirst: false),
            RecurrentCellKind.RnnRelu => nn.RNN(input, hidden, 1, nn.NonLinearities.ReLU, bias: true, batchFirst: false),
            _ => throw new ArgumentOutOfRangeException(nameof(problem), problem.Cell, "no libtorch module for this kind"),
        };
        module.to(float64);
        Tensor Weight(string name) => module.get_parameter(name) ?? throw new InvalidOperationException($"no parameter {name}");
        using (no_grad())
        {
            Weight("weight_ih_l0").copy_(tensor(p.InputWeight, new[] { rows, input }, float64));
            Weight("weight_hh_l0").copy_(tensor(p.RecurrentWeight, new[] { rows, hidden }, float64));
            Weight("bias_ih_l0").copy_(tensor(p.InputBias, new[] { rows }, float64));
            Weight("bias_hh_l0").copy_(tensor(p.RecurrentBias, new[] { rows }, float64));
            Weight("weight_hh_l0").view(-1)[0] += weightNudge;
        }
        Assert.All(module.parameters(), w => Assert.Equal(ScalarType.Float64, w.dtype));

        Tensor x = tensor(problem.Inputs, new[] { steps, batch, input }, float64).requires_grad_(true);
        Tensor h0 = tensor(problem.InitialHidden, new[] { 1L, batch, hidden }, float64).requires_grad_(true);
        Tensor? c0 = problem.InitialCell is null ? null : tensor(problem.InitialCell, new[] { 1L, batch, hidden }, float64).requires_grad_(true);

        Tensor output, hN;
        Tensor? cN = null;
        if (module is TorchSharp.Modules.LSTM lstm)
        {
            (output, hN, cN) = lstm.call(x, (h0, c0!));
        }
        else if (module is TorchSharp.Modules.GRU gru)
        {
            (output, hN) = gru.call(x, h0);
        }
        else
        {
            (output, hN) = ((TorchSharp.Modules.RNN)module).call(x, h0);
        }

        Tensor loss = (output * tensor(problem.OutputGradients, new[] { steps, batch, hidden }, float64)).sum()
            + (hN * tensor(problem.FinalHiddenGradient, new[] { 1L, batch, hidden }, float64)).sum();
        if (cN is not null) loss = loss + (cN * tensor(problem.FinalCellGradient!, new[] { 1L, batch, hidden }, float64)).sum();
        loss.backward();

        Tensor Grad(string name) => Weight(name).grad!.detach().clone();
        return new LibTorchRecurrence(
            output.detach(), hN.detach().view(batch, hidden), cN?.detach().view(batch, hidden),
            Grad("weight_ih_l0"), Grad("weight_hh_l0"), Grad("bias_ih_l0"), Grad("bias_hh_l0"),
            x.grad!.detach().clone(), h0.grad!.detach().view(batch, hidden), c0?.grad!.detach().view(batch, hidden));
    }
}
