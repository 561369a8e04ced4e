using static TorchSharp.torch;

namespace LstmMlNet.Engine;

/// <summary>
/// The weights of a recurrent stack whose cell has no fused libtorch module (the LSTM and GRU variants), under
/// PyTorch's names so that <see cref="RecurrentEncoder.Weights"/> reads them as it reads torch.nn.LSTM's:
/// per layer k and direction (suffix <c>_reverse</c> for the backward one) <c>weight_ih_l{k}</c> [G·H, I_k],
/// <c>weight_hh_l{k}</c> [G·H, H], <c>bias_ih_l{k}</c> and <c>bias_hh_l{k}</c> [G·H], and for the peephole LSTM
/// <c>weight_peephole_l{k}</c> [3H]. Every tensor starts as libtorch's modules start theirs, U(−1/√H, 1/√H).
/// </summary>
internal sealed class ExplicitCellParameters : nn.Module
{
    public ExplicitCellParameters(EncoderSpec spec, RecurrentCell cell) : base(nameof(ExplicitCellParameters))
    {
        int h = spec.HiddenSize;
        int rows = cell.GateCount * h;
        int peepholes = cell.PeepholeSize(h);
        double bound = 1.0 / Math.Sqrt(h);
        for (int layer = 0; layer < spec.Layers; layer++)
        {
            int inputs = layer == 0 ? spec.InputSize : spec.OutputSize;
            for (int direction = 0; direction < spec.Directions; direction++)
            {
                string suffix = RecurrentEncoder.Suffix(layer, direction);
                Add("weight_ih" + suffix, bound, rows, inputs);
                Add("weight_hh" + suffix, bound, rows, h);
                Add("bias_ih" + suffix, bound, rows);
                Add("bias_hh" + suffix, bound, rows);
                if (peepholes > 0) Add("weight_peephole" + suffix, bound, peepholes);
            }
        }
    }

    private void Add(string name, double bound, params long[] shape)
    {
        Tensor values = empty(shape);
        using (no_grad()) nn.init.uniform_(values, -bound, bound);
        var parameter = new TorchSharp.Modules.Parameter(values);
        // Weights belong to the module, not to whatever dispose scope the module was built in.
        parameter.DetachFromDisposeScope();
        register_parameter(name, parameter);
    }
}
