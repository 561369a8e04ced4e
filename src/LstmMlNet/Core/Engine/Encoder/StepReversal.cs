using static TorchSharp.torch;

namespace LstmMlNet.Engine;

/// <summary>
/// Reversal of each sequence of a right-padded batch within its own length, as one row permutation of the flattened
/// [B·T, D] batch: y[b, t] = x[b, len_b − 1 − t] for t &lt; len_b, else x[b, t]. The permutation is its own inverse, so its
/// gradient is the same row selection of the incoming gradient. libtorch's own backward of <c>index_select</c> is an
/// <c>index_add</c> into zeros, which on the CPU loops over the B·T rows one small add at a time on one thread (several
/// times the selection itself; measured in benchmarks/README.md, "Trainer throughput"); this function
/// runs a second <c>index_select</c> instead. Every gradient row receives exactly one incoming row, so the result
/// equals the <c>index_add</c>'s bit for bit.
/// </summary>
internal sealed class StepReversal : autograd.SingleTensorFunction<StepReversal>
{
    public override string Name => nameof(StepReversal);

    /// <summary>Row indices into a flattened [B·T, D] batch that reverse each sequence within its length:
    /// b·T + (t &lt; len_b ? len_b − 1 − t : t). <paramref name="lengths"/>: int64 [B] on the batch's device.</summary>
    public static Tensor Rows(Tensor lengths, long steps)
    {
        Tensor t = TorchScalars.Range(steps, ScalarType.Int64, lengths.device).unsqueeze(0);
        Tensor within = where(SequenceMask.ValidSteps(lengths, steps), lengths.unsqueeze(1).Minus(1) - t, t);
        return within.Plus(TorchScalars.Range(lengths.shape[0], ScalarType.Int64, lengths.device).unsqueeze(1).Times((long)steps)).view(-1);
    }

    /// <summary>Reverses <paramref name="x"/> [B, T, D] within lengths through the permutation <paramref name="rows"/>
    /// from <see cref="Rows"/>; differentiable in <paramref name="x"/>.</summary>
    public static Tensor Apply(Tensor x, Tensor rows) => apply(x, rows);

    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var x = (Tensor)vars[0];
        var rows = (Tensor)vars[1];
        ctx.save_for_backward(new List<Tensor> { rows });
        return Permute(x, rows);
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad)
    {
        Tensor rows = ctx.get_saved_variables()[0];
        // One gradient per tensor input: x, then the (integer, non-differentiable) rows.
        return new List<Tensor> { Permute(grad, rows), null! };
    }

    private static Tensor Permute(Tensor x, Tensor rows) =>
        x.reshape(-1, x.shape[2]).index_select(0, rows).view(x.shape[0], x.shape[1], x.shape[2]);
}
