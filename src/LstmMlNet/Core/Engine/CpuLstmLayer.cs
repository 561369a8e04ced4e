using System.Numerics;
using static TorchSharp.torch;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace LstmMlNet.Engine;

/// <summary>
/// One unidirectional LSTM layer (PyTorch form, gate order i, f, g, o; two bias vectors) over a right-padded
/// batch-first input, forward and backward as one autograd node, for float32 training on the CPU. Same contract as
/// <see cref="FusedKernels.Run"/>: input [B, T, I], h0 and c0 [1, B, H], weights W_ih [4H, I], W_hh [4H, H],
/// b_ih and b_hh [4H]; returns the outputs h_1 … h_T as [B, T, H] at every step, padded steps included.
/// <para>Forward: the input projection of every step as one GEMM over the time-major batch [T·B, I]; per step one
/// recurrent GEMM written in place into that step's block of the projection, then one pass over its memory for the
/// gate non-linearities (System.Numerics.Tensors) and the state update. The activated gates, every h_t, c_t and
/// tanh(c_t) are kept for the backward pass.</para>
/// <para>Backward: per step (last to first) one vectorised pass from ∂L/∂h_t and ∂L/∂c_t to the gate pre-activation
/// gradients, and one GEMM that adds their recurrent share to ∂L/∂h_{t−1}; after the loop ∂W_ih, ∂W_hh and ∂x as one
/// GEMM each over all steps and the bias gradients as one column sum. Gradients for h0 and c0 as well. The backward
/// pass itself is not differentiable (no double backward).</para>
/// </summary>
internal sealed class CpuLstmLayer : autograd.SingleTensorFunction<CpuLstmLayer>
{
    public override string Name => nameof(CpuLstmLayer);

    /// <summary>Runs the layer; differentiable in every tensor argument. Float32 CPU tensors; shapes as in the class summary.</summary>
    public static Tensor Apply(Tensor input, Tensor h0, Tensor c0, Tensor wIh, Tensor wHh, Tensor bIh, Tensor bHh) =>
        apply(input, h0, c0, wIh, wHh, bIh, bHh);

    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        using var noGrad = no_grad();
        var x = (Tensor)vars[0];
        var h0 = (Tensor)vars[1];
        var c0 = (Tensor)vars[2];
        var wIh = (Tensor)vars[3];
        var wHh = (Tensor)vars[4];
        var bIh = (Tensor)vars[5];
        var bHh = (Tensor)vars[6];
        int batch = (int)x.shape[0], steps = (int)x.shape[1], inputSize = (int)x.shape[2], hidden = (int)wHh.shape[1];
        if (wIh.shape[0] != 4L * hidden || wIh.shape[1] != inputSize)
            throw new ArgumentException($"Expected W_ih of shape [{4 * hidden}, {inputSize}], got [{string.Join(", ", wIh.shape)}].", nameof(vars));
        if ((long)steps * batch * 4 * hidden > int.MaxValue) throw new ArgumentException("The batch is too large for the CPU layer.", nameof(vars));

        // Rows of step t (block t, B rows, t = 0 … T): [x_t | h_{t−1}], so the input projection reads the x columns and
        // one GEMM after the backward loop gives [∂W_ih | ∂W_hh]; h_T sits in block T (its x columns unused).
        int width = inputSize + hidden;
        Tensor xh = empty(new long[] { (long)(steps + 1) * batch, width }, ScalarType.Float32);
        Tensor xs = xh.narrow(0, 0, (long)steps * batch).narrow(1, 0, inputSize);
        xs.view(steps, batch, inputSize).copy_(x.detach().transpose(0, 1));
        xh.narrow(0, 0, batch).narrow(1, inputSize, hidden).copy_(h0.detach().view(batch, hidden));
        // Gate pre-activations of every step, [T·B, 4H]; both biases folded into the one input GEMM.
        Tensor gates = bIh.detach().Plus(bHh.detach()).addmm(xs, wIh.detach().t());
        Tensor cAll = empty(new long[] { steps + 1, batch, hidden }, ScalarType.Float32);
        Tensor tanhC = empty(new long[] { steps, batch, hidden }, ScalarType.Float32);
        cAll[0].copy_(c0.detach().view(batch, hidden));
        Tensor wHhT = wHh.detach().t();

        Span<float> g = CpuLayerMemory.Floats(gates);
        Span<float> hs = CpuLayerMemory.Floats(xh);
        Span<float> cs = CpuLayerMemory.Floats(cAll);
        Span<float> tcs = CpuLayerMemory.Floats(tanhC);
        int h = hidden, stateBlock = batch * hidden;
        for (int t = 0; t < steps; t++)
        {
            using (Tensor block = gates.narrow(0, (long)t * batch, batch))
            using (Tensor previous = xh.narrow(0, (long)t * batch, batch).narrow(1, inputSize, hidden))
            {
                block.addmm_(previous, wHhT);
            }
            for (int b = 0; b < batch; b++)
            {
                Span<float> row = g.Slice((t * batch + b) * 4 * h, 4 * h);
                Span<float> ifGates = row[..(2 * h)];
                TensorPrimitives.Sigmoid(ifGates, ifGates);
                Span<float> cand = row.Slice(2 * h, h);
                TensorPrimitives.Tanh(cand, cand);
                Span<float> o = row.Slice(3 * h, h);
                TensorPrimitives.Sigmoid(o, o);
                int s = t * stateBlock + b * h;
                Span<float> c = cs.Slice(s + stateBlock, h);
                TensorPrimitives.Multiply(row.Slice(h, h), cs.Slice(s, h), c);        // f ⊙ c_{t−1}
                TensorPrimitives.MultiplyAdd(row[..h], cand, c, c);                   // + i ⊙ g
                Span<float> tc = tcs.Slice(s, h);
                TensorPrimitives.Tanh(c, tc);
                TensorPrimitives.Multiply(o, tc, hs.Slice(((t + 1) * batch + b) * width + inputSize, h)); // h_t = o ⊙ tanh(c_t)
            }
        }
        GC.KeepAlive(gates);
        GC.KeepAlive(xh);
        GC.KeepAlive(cAll);
        GC.KeepAlive(tanhC);

        Tensor output = empty(new long[] { batch, steps, hidden }, ScalarType.Float32)
            .copy_(xh.narrow(0, batch, (long)steps * batch).narrow(1, inputSize, hidden).view(steps, batch, hidden).transpose(0, 1));
        ctx.save_for_backward(new List<Tensor> { xh, gates, cAll, tanhC, wIh, wHh });
        ctx.save_data("shape", new[] { batch, steps, inputSize, hidden });
        ctx.save_data("needs", new[] { x.requires_grad, h0.requires_grad, c0.requires_grad, wIh.requires_grad, wHh.requires_grad, bIh.requires_grad, bHh.requires_grad });
        return output;
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad)
    {
        using var noGrad = no_grad();
        List<Tensor> saved = ctx.get_saved_variables();
        Tensor xh = saved[0], gates = saved[1], cAll = saved[2], tanhC = saved[3];
        Tensor wIh = saved[4].detach(), wHh = saved[5].detach();
        int[] shape = (int[])ctx.get_data("shape");
        bool[] needs = (bool[])ctx.get_data("needs");
        int batch = shape[0], steps = shape[1], inputSize = shape[2], h = shape[3];
        int stateBlock = batch * h;

        // ∂L/∂h_t per step, time-major, owned: the recurrent share of step t + 1 is added into row block t in place.
        Tensor dH = CpuLayerMemory.TimeMajor(grad);
        Tensor dGates = empty(new long[] { (long)steps * batch, 4 * h }, ScalarType.Float32);
        Tensor dH0 = zeros(batch, h, ScalarType.Float32);
        var dC = new float[stateBlock];
        ReadOnlySpan<float> g = CpuLayerMemory.Floats(gates);
        ReadOnlySpan<float> cs = CpuLayerMemory.Floats(cAll);
        ReadOnlySpan<float> tcs = CpuLayerMemory.Floats(tanhC);
        Span<float> dhs = CpuLayerMemory.Floats(dH);
        Span<float> dg = CpuLayerMemory.Floats(dGates);
        for (int t = steps - 1; t >= 0; t--)
        {
            for (int b = 0; b < batch; b++)
            {
                int s = t * stateBlock + b * h;
                int r = (t * batch + b) * 4 * h;
                StepBackward(g.Slice(r, 4 * h), tcs.Slice(s, h), cs.Slice(s, h), dhs.Slice(s, h), dC.AsSpan(b * h, h), dg.Slice(r, 4 * h), h);
            }
            using Tensor block = dGates.narrow(0, (long)t * batch, batch);
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

        Tensor? dX = needs[0] ? dGates.mm(wIh).view(steps, batch, inputSize).transpose(0, 1).contiguous() : null;
        // [∂W_ih | ∂W_hh] = ∂Gᵀ · [x_t | h_{t−1}] over all steps, one GEMM.
        Tensor? dW = needs[3] || needs[4] ? dGates.t().mm(xh.narrow(0, 0, (long)steps * batch)) : null;
        Tensor? dWih = needs[3] ? dW!.narrow(1, 0, inputSize).contiguous() : null;
        Tensor? dWhh = needs[4] ? dW!.narrow(1, inputSize, h).contiguous() : null;
        Tensor? dB = needs[5] || needs[6] ? dGates.sum(dim: 0) : null;
        GC.KeepAlive(gates);
        GC.KeepAlive(cAll);
        GC.KeepAlive(tanhC);
        Tensor? dC0 = needs[2] ? tensor(dC, new long[] { 1, batch, h }) : null;
        return new List<Tensor>
        {
            dX!, needs[1] ? dH0.unsqueeze(0) : null!, dC0!, dWih!, dWhh!,
            needs[5] ? dB! : null!, needs[6] ? (needs[5] ? dB!.clone() : dB!) : null!,
        };
    }

    /// <summary>One row of one step: from ∂L/∂h_t (<paramref name="dh"/>) and ∂L/∂c_t (<paramref name="dc"/>, replaced by
    /// ∂L/∂c_{t−1}) to the gate pre-activation gradients <paramref name="dGates"/> [4H], given the activated gates
    /// <paramref name="gates"/> (i, f, g, o), tanh(c_t) and c_{t−1}.</summary>
    private static void StepBackward(ReadOnlySpan<float> gates, ReadOnlySpan<float> tanhC, ReadOnlySpan<float> cPrev,
        ReadOnlySpan<float> dh, Span<float> dc, Span<float> dGates, int h)
    {
        ReadOnlySpan<float> gi = gates[..h], gf = gates.Slice(h, h), gg = gates.Slice(2 * h, h), go = gates.Slice(3 * h, h);
        Span<float> di = dGates[..h], df = dGates.Slice(h, h), dgg = dGates.Slice(2 * h, h), dOut = dGates.Slice(3 * h, h);
        int j = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var one = Vector<float>.One;
            for (; j <= h - Vector<float>.Count; j += Vector<float>.Count)
            {
                var i = new Vector<float>(gi[j..]);
                var f = new Vector<float>(gf[j..]);
                var c = new Vector<float>(gg[j..]);
                var o = new Vector<float>(go[j..]);
                var tc = new Vector<float>(tanhC[j..]);
                var dhv = new Vector<float>(dh[j..]);
                var dcv = new Vector<float>(dc[j..]) + dhv * o * (one - tc * tc);
                (dhv * tc * o * (one - o)).CopyTo(dOut[j..]);
                (dcv * c * i * (one - i)).CopyTo(di[j..]);
                (dcv * new Vector<float>(cPrev[j..]) * f * (one - f)).CopyTo(df[j..]);
                (dcv * i * (one - c * c)).CopyTo(dgg[j..]);
                (dcv * f).CopyTo(dc[j..]);
            }
        }
        for (; j < h; j++)
        {
            float i = gi[j], f = gf[j], c = gg[j], o = go[j], tc = tanhC[j], dhv = dh[j];
            float dcv = dc[j] + dhv * o * (1 - tc * tc);
            dOut[j] = dhv * tc * o * (1 - o);
            di[j] = dcv * c * i * (1 - i);
            df[j] = dcv * cPrev[j] * f * (1 - f);
            dgg[j] = dcv * i * (1 - c * c);
            dc[j] = dcv * f;
        }
    }
}
