using System.Numerics;
using static TorchSharp.torch;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace LstmMlNet.Engine;

/// <summary>
/// One unidirectional GRU layer (PyTorch form: gate order r, z, n; the reset gate applied after the recurrent product,
/// n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)), h' = (1 − z) ⊙ n + z ⊙ h) over a right-padded batch-first input,
/// forward and backward as one autograd node, for float32 training on the CPU. Same contract as
/// <see cref="FusedKernels.Run"/>: input [B, T, I], h0 [1, B, H], W_ih [3H, I], W_hh [3H, H], b_ih and b_hh [3H];
/// returns the outputs [B, T, H] at every step, padded steps included.
/// <para>Forward: the input projection of every step as one GEMM over the time-major batch; per step one recurrent
/// GEMM (W_hh h + b_hh, kept for the backward pass: its n block is needed there) and one vectorised pass for the gates
/// and the state update. Backward: per step one vectorised pass to the pre-activation gradients of both affine maps
/// (they differ in the n block) and one GEMM for the recurrent share of ∂L/∂h_{t−1}; after the loop ∂W_ih, ∂W_hh,
/// ∂x as one GEMM each and the bias gradients as column sums. Not differentiable twice.</para>
/// </summary>
internal sealed class CpuGruLayer : autograd.SingleTensorFunction<CpuGruLayer>
{
    public override string Name => nameof(CpuGruLayer);

    /// <summary>Runs the layer; differentiable in every tensor argument. Float32 CPU tensors; shapes as in the class summary.</summary>
    public static Tensor Apply(Tensor input, Tensor h0, Tensor wIh, Tensor wHh, Tensor bIh, Tensor bHh) =>
        apply(input, h0, wIh, wHh, bIh, bHh);

    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        using var noGrad = no_grad();
        var x = (Tensor)vars[0];
        var h0 = (Tensor)vars[1];
        var wIh = (Tensor)vars[2];
        var wHh = (Tensor)vars[3];
        var bIh = (Tensor)vars[4];
        var bHh = (Tensor)vars[5];
        int batch = (int)x.shape[0], steps = (int)x.shape[1], inputSize = (int)x.shape[2], h = (int)wHh.shape[1];
        if (wIh.shape[0] != 3L * h || wIh.shape[1] != inputSize)
            throw new ArgumentException($"Expected W_ih of shape [{3 * h}, {inputSize}], got [{string.Join(", ", wIh.shape)}].", nameof(vars));
        if ((long)steps * batch * 3 * h > int.MaxValue) throw new ArgumentException("The batch is too large for the CPU layer.", nameof(vars));

        // Rows of step t (block t, B rows, t = 0 … T): [x_t | h_{t−1}], so the input projection reads the x columns and
        // one GEMM after the backward loop gives [∂W_ih | ∂W_hh]; h_T sits in block T (its x columns unused).
        int width = inputSize + h;
        Tensor xh = empty(new long[] { (long)(steps + 1) * batch, width }, ScalarType.Float32);
        Tensor xs = xh.narrow(0, 0, (long)steps * batch).narrow(1, 0, inputSize);
        xs.view(steps, batch, inputSize).copy_(x.detach().transpose(0, 1));
        xh.narrow(0, 0, batch).narrow(1, inputSize, h).copy_(h0.detach().view(batch, h));
        // Input pre-activations [T·B, 3H] (overwritten by the activated r, z, n); recurrent products W_hh h + b_hh [T·B, 3H].
        Tensor gates = bIh.detach().addmm(xs, wIh.detach().t());
        Tensor recurrent = empty(new long[] { (long)steps * batch, 3 * h }, ScalarType.Float32).copy_(bHh.detach().expand(steps * batch, 3 * h));
        Tensor wHhT = wHh.detach().t();

        Span<float> g = CpuLayerMemory.Floats(gates);
        ReadOnlySpan<float> hg = CpuLayerMemory.Floats(recurrent);
        Span<float> hs = CpuLayerMemory.Floats(xh);
        for (int t = 0; t < steps; t++)
        {
            using (Tensor block = recurrent.narrow(0, (long)t * batch, batch))
            using (Tensor previous = xh.narrow(0, (long)t * batch, batch).narrow(1, inputSize, h))
            {
                block.addmm_(previous, wHhT);
            }
            for (int b = 0; b < batch; b++)
            {
                int r = (t * batch + b) * 3 * h;
                Span<float> rz = g.Slice(r, 2 * h);
                TensorPrimitives.Add(rz, hg.Slice(r, 2 * h), rz);
                TensorPrimitives.Sigmoid(rz, rz);
                Span<float> n = g.Slice(r + 2 * h, h);
                TensorPrimitives.MultiplyAdd(g.Slice(r, h), hg.Slice(r + 2 * h, h), n, n);   // x_n + r ⊙ (W_hn h + b_hn)
                TensorPrimitives.Tanh(n, n);
                int s = (t * batch + b) * width + inputSize;
                Span<float> next = hs.Slice(s + batch * width, h);
                TensorPrimitives.Subtract(hs.Slice(s, h), n, next);                         // h − n
                TensorPrimitives.MultiplyAdd(g.Slice(r + h, h), next, n, next);              // n + z ⊙ (h − n)
            }
        }
        GC.KeepAlive(gates);
        GC.KeepAlive(recurrent);
        GC.KeepAlive(xh);

        Tensor output = empty(new long[] { batch, steps, h }, ScalarType.Float32)
            .copy_(xh.narrow(0, batch, (long)steps * batch).narrow(1, inputSize, h).view(steps, batch, h).transpose(0, 1));
        ctx.save_for_backward(new List<Tensor> { xh, gates, recurrent, wIh, wHh });
        ctx.save_data("shape", new[] { batch, steps, inputSize, h });
        ctx.save_data("needs", new[] { x.requires_grad, h0.requires_grad, wIh.requires_grad, wHh.requires_grad, bIh.requires_grad, bHh.requires_grad });
        return output;
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad)
    {
        using var noGrad = no_grad();
        List<Tensor> saved = ctx.get_saved_variables();
        Tensor xh = saved[0], gates = saved[1], recurrent = saved[2];
        Tensor wIh = saved[3].detach(), wHh = saved[4].detach();
        int[] shape = (int[])ctx.get_data("shape");
        bool[] needs = (bool[])ctx.get_data("needs");
        int batch = shape[0], steps = shape[1], inputSize = shape[2], h = shape[3];
        int stateBlock = batch * h;

        Tensor dH = CpuLayerMemory.TimeMajor(grad);
        Tensor dInput = empty(new long[] { (long)steps * batch, 3 * h }, ScalarType.Float32);     // ∂L/∂(W_ih x + b_ih)
        Tensor dRecurrent = empty(new long[] { (long)steps * batch, 3 * h }, ScalarType.Float32); // ∂L/∂(W_hh h + b_hh)
        Tensor dH0 = zeros(batch, h, ScalarType.Float32);
        ReadOnlySpan<float> g = CpuLayerMemory.Floats(gates);
        ReadOnlySpan<float> hg = CpuLayerMemory.Floats(recurrent);
        ReadOnlySpan<float> hs = CpuLayerMemory.Floats(xh);
        int width = inputSize + h;
        Span<float> dhs = CpuLayerMemory.Floats(dH);
        Span<float> dh0s = CpuLayerMemory.Floats(dH0);
        Span<float> dxs = CpuLayerMemory.Floats(dInput);
        Span<float> drs = CpuLayerMemory.Floats(dRecurrent);
        for (int t = steps - 1; t >= 0; t--)
        {
            for (int b = 0; b < batch; b++)
            {
                int s = t * stateBlock + b * h;
                int r = (t * batch + b) * 3 * h;
                Span<float> dPrev = t > 0 ? dhs.Slice(s - stateBlock, h) : dh0s.Slice(b * h, h);
                StepBackward(g.Slice(r, 3 * h), hg.Slice(r + 2 * h, h), hs.Slice((t * batch + b) * width + inputSize, h), dhs.Slice(s, h), dPrev,
                    dxs.Slice(r, 3 * h), drs.Slice(r, 3 * h), h);
            }
            using Tensor block = dRecurrent.narrow(0, (long)t * batch, batch);
            if (t > 0)
            {
                using Tensor previous = dH[t - 1];
                previous.addmm_(block, wHh);
            }
            else
            {
                dH0.addmm_(block, wHh);
            }
        }
        GC.KeepAlive(gates);
        GC.KeepAlive(recurrent);
        GC.KeepAlive(xh);

        Tensor? dX = needs[0] ? dInput.mm(wIh).view(steps, batch, inputSize).transpose(0, 1).contiguous() : null;
        Tensor? dWih = needs[2] ? dInput.t().mm(xh.narrow(0, 0, (long)steps * batch).narrow(1, 0, inputSize)) : null;
        Tensor? dWhh = needs[3] ? dRecurrent.t().mm(xh.narrow(0, 0, (long)steps * batch).narrow(1, inputSize, h)) : null;
        Tensor? dBih = needs[4] ? dInput.sum(dim: 0) : null;
        Tensor? dBhh = needs[5] ? dRecurrent.sum(dim: 0) : null;
        return new List<Tensor> { dX!, needs[1] ? dH0.unsqueeze(0) : null!, dWih!, dWhh!, dBih!, dBhh! };
    }

    /// <summary>One row of one step: from ∂L/∂h_t (<paramref name="dh"/>) to the pre-activation gradients of the input map
    /// (<paramref name="dInput"/> [3H]) and of the recurrent map (<paramref name="dRecurrent"/> [3H]), adding the direct
    /// share z ⊙ ∂L/∂h_t to ∂L/∂h_{t−1} (<paramref name="dPrevious"/>); given the activated r, z, n, the recurrent n
    /// product W_hn h + b_hn and h_{t−1}.</summary>
    private static void StepBackward(ReadOnlySpan<float> gates, ReadOnlySpan<float> hn, ReadOnlySpan<float> hPrev,
        ReadOnlySpan<float> dh, Span<float> dPrevious, Span<float> dInput, Span<float> dRecurrent, int h)
    {
        ReadOnlySpan<float> gr = gates[..h], gz = gates.Slice(h, h), gn = gates.Slice(2 * h, h);
        Span<float> dxr = dInput[..h], dxz = dInput.Slice(h, h), dxn = dInput.Slice(2 * h, h);
        Span<float> dhr = dRecurrent[..h], dhz = dRecurrent.Slice(h, h), dhn = dRecurrent.Slice(2 * h, h);
        int j = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var one = Vector<float>.One;
            for (; j <= h - Vector<float>.Count; j += Vector<float>.Count)
            {
                var r = new Vector<float>(gr[j..]);
                var z = new Vector<float>(gz[j..]);
                var n = new Vector<float>(gn[j..]);
                var d = new Vector<float>(dh[j..]);
                var dan = d * (one - z) * (one - n * n);
                var daz = d * (new Vector<float>(hPrev[j..]) - n) * z * (one - z);
                var dar = dan * new Vector<float>(hn[j..]) * r * (one - r);
                dar.CopyTo(dxr[j..]);
                dar.CopyTo(dhr[j..]);
                daz.CopyTo(dxz[j..]);
                daz.CopyTo(dhz[j..]);
                dan.CopyTo(dxn[j..]);
                (dan * r).CopyTo(dhn[j..]);
                (new Vector<float>(dPrevious[j..]) + d * z).CopyTo(dPrevious[j..]);
            }
        }
        for (; j < h; j++)
        {
            float r = gr[j], z = gz[j], n = gn[j], d = dh[j];
            float dan = d * (1 - z) * (1 - n * n);
            float daz = d * (hPrev[j] - n) * z * (1 - z);
            float dar = dan * hn[j] * r * (1 - r);
            dxr[j] = dar;
            dhr[j] = dar;
            dxz[j] = daz;
            dhz[j] = daz;
            dxn[j] = dan;
            dhn[j] = dan * r;
            dPrevious[j] += d * z;
        }
    }
}
