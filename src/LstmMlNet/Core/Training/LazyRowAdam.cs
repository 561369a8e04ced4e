using System.Numerics;
using System.Runtime.InteropServices;
using LstmMlNet.Engine;
using TorchSharp.Modules;
using static TorchSharp.torch;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace LstmMlNet.Training;

/// <summary>
/// Adam (or AdamW) for the token table and the n-gram table of a network with subwords, updating only the rows a step's
/// batch touched, as PyTorch's <c>SparseAdam</c> and TensorFlow's <c>LazyAdam</c> do: a batch of short texts reaches a
/// small part of the rows, while dense Adam rewrites every row, its two moments and the gradient on every step (the
/// measured share is in the README and benchmarks/README.md). For a touched row the update is Adam's exactly (β = (0.9, 0.999), ε = 1e-8, bias
/// correction by the step count); an untouched row keeps its value and its moments until a batch touches it again, where
/// dense Adam would keep moving it by its decaying first moment. Weight decay, when set, applies to touched rows only.
/// The rows come from <see cref="SubwordBag.TakeTouchedRows"/>, so this runs where the bag computes the token
/// vectors (the CPU); while it lives, the bag keeps the tables' gradients in its own row buffers
/// (<see cref="SubwordBag.RowGradients"/>), which this reads and clears row by row, so no step writes or zeroes a
/// dense gradient of the tables.
/// </summary>
internal sealed class LazyRowAdam : IDisposable
{
    private const double Beta1 = 0.9, Beta2 = 0.999, Epsilon = 1e-8;

    private readonly SubwordBag bag;
    private readonly Parameter[] tables;
    private readonly Tensor[] first;
    private readonly Tensor[] second;
    private readonly double weightDecay;
    private readonly bool decoupled;
    private long[][]? rows;
    private int step;

    private LazyRowAdam(SubwordBag bag, Parameter tokens, Parameter buckets, double weightDecay, bool decoupled)
    {
        this.bag = bag;
        tables = new[] { tokens, buckets };
        first = tables.Select(t => zeros_like(t).DetachFromDisposeScope()).ToArray();
        second = tables.Select(t => zeros_like(t).DetachFromDisposeScope()).ToArray();
        this.weightDecay = weightDecay;
        this.decoupled = decoupled;
        bag.RowGradients = true;
    }

    /// <summary>The row-sparse optimiser for <paramref name="network"/>'s tables when the options ask for sparse updates
    /// (<see cref="TrainingOptions.SparseEmbeddingUpdates"/>), the optimiser is Adam or AdamW, the network has subwords
    /// and trains on the CPU; else null (every parameter then goes to the dense optimiser).</summary>
    public static LazyRowAdam? For(SequenceNetwork network, TrainingOptions options, Device device)
    {
        if (!options.SparseEmbeddingUpdates || options.Optimizer is not (OptimizerKind.Adam or OptimizerKind.AdamW)) return null;
        if (network.SubwordBag is not { } bag || device.type != TorchSharp.DeviceType.CPU) return null;
        return new LazyRowAdam(bag, network.Embedding!.weight!, network.Subwords!.weight!, options.WeightDecay, options.Optimizer == OptimizerKind.AdamW);
    }

    /// <summary>The parameters this optimiser owns; the dense optimiser gets the others.</summary>
    public IReadOnlyList<Parameter> Tables => tables;

    /// <summary><paramref name="parameters"/> without this optimiser's tables, compared by their memory (TorchSharp hands
    /// out a new wrapper, with a new native handle, for the same parameter on each access).</summary>
    public Parameter[] Others(IEnumerable<Parameter> parameters) =>
        parameters.Where(p => !tables.Any(t => SameMemory(t, p))).ToArray();

    private static bool SameMemory(Tensor a, Tensor b) =>
        a.dtype == b.dtype && a.numel() == b.numel() && a.device_type == TorchSharp.DeviceType.CPU && b.device_type == TorchSharp.DeviceType.CPU
        && System.Runtime.CompilerServices.Unsafe.AreSame(ref MemoryMarshal.GetReference(a.bytes), ref MemoryMarshal.GetReference(b.bytes));

    /// <summary>Zeroes the tables' gradients before a backward pass: the rows of the bag's buffers that an earlier
    /// backward pass wrote and no <see cref="Step"/> consumed (none in the loop), and any dense gradient.</summary>
    public void ZeroGrad()
    {
        foreach (Parameter t in tables) t.grad = null!;
        var (tokenRows, bucketRows) = bag.TakeTouchedRows();
        bag.ClearRowGradients(tokenRows, bucketRows);
    }

    private Span<float> Gradients(int table) => table == 0 ? bag.TokenGradients : bag.BucketGradients;

    /// <summary>After a backward pass: takes the touched rows and returns the sum of the squares of their gradients (the
    /// tables' share of the global gradient norm; every other row's gradient is zero).</summary>
    public double GatherSquaredNorm()
    {
        var (tokenRows, bucketRows) = bag.TakeTouchedRows();
        rows = new[] { tokenRows, bucketRows };
        double sum = 0;
        for (int k = 0; k < tables.Length; k++)
        {
            // The tables reach the loss through the bag only; a dense gradient would be a use this optimiser cannot see.
            if (tables[k].grad is not null) throw new InvalidOperationException("An embedding table got a dense gradient outside the subword node; train with SparseEmbeddingUpdates = false.");
            ReadOnlySpan<float> gs = Gradients(k);
            if (gs.IsEmpty) continue;
            int e = (int)tables[k].shape[1];
            foreach (long r in rows[k]) sum += TensorPrimitives.SumOfSquares(gs.Slice((int)r * e, e));
        }
        return sum;
    }

    /// <summary>Updates the touched rows with learning rate <paramref name="lr"/>, their gradients scaled by
    /// <paramref name="scale"/> (the clipping coefficient, 1 without clipping): one pass over each row's value, moments
    /// and gradient in the tensors' memory.</summary>
    public void Step(double lr, double scale)
    {
        if (rows is null) throw new InvalidOperationException("GatherSquaredNorm must run after the backward pass and before Step.");
        step++;
        float stepSize = (float)(lr / (1 - Math.Pow(Beta1, step)));
        float correction2 = (float)Math.Sqrt(1 - Math.Pow(Beta2, step));
        float decay = decoupled ? (float)(1 - lr * weightDecay) : 1f;
        float l2 = decoupled ? 0f : (float)weightDecay;
        for (int k = 0; k < tables.Length; k++)
        {
            ReadOnlySpan<float> gs = Gradients(k);
            if (gs.IsEmpty || rows[k].Length == 0) continue;
            int e = (int)tables[k].shape[1];
            Span<float> ps = MemoryMarshal.Cast<byte, float>(tables[k].bytes);
            Span<float> ms = MemoryMarshal.Cast<byte, float>(first[k].bytes);
            Span<float> vs = MemoryMarshal.Cast<byte, float>(second[k].bytes);
            foreach (long r in rows[k])
            {
                int o = (int)r * e;
                UpdateRow(ps.Slice(o, e), ms.Slice(o, e), vs.Slice(o, e), gs.Slice(o, e), (float)scale, l2, decay, stepSize, correction2);
            }
        }
        bag.ClearRowGradients(rows[0], rows[1]);
        rows = null;
    }

    private static void UpdateRow(Span<float> p, Span<float> m, Span<float> v, ReadOnlySpan<float> grad, float scale, float l2, float decay,
        float stepSize, float correction2)
    {
        const float b1 = (float)Beta1, b2 = (float)Beta2, eps = (float)Epsilon;
        int j = 0;
        if (Vector.IsHardwareAccelerated)
        {
            int width = Vector<float>.Count;
            var vb1 = new Vector<float>(b1);
            var vc1 = new Vector<float>(1 - b1);
            var vb2 = new Vector<float>(b2);
            var vc2 = new Vector<float>(1 - b2);
            var vscale = new Vector<float>(scale);
            var vl2 = new Vector<float>(l2);
            var vdecay = new Vector<float>(decay);
            var vstep = new Vector<float>(stepSize);
            var vcorr = new Vector<float>(1 / correction2);
            var veps = new Vector<float>(eps);
            for (; j <= p.Length - width; j += width)
            {
                var pj = new Vector<float>(p.Slice(j));
                var g = new Vector<float>(grad.Slice(j)) * vscale + vl2 * pj;
                var mj = vb1 * new Vector<float>(m.Slice(j)) + vc1 * g;
                var vj = vb2 * new Vector<float>(v.Slice(j)) + vc2 * g * g;
                mj.CopyTo(m.Slice(j));
                vj.CopyTo(v.Slice(j));
                (pj * vdecay - vstep * mj / (Vector.SquareRoot(vj) * vcorr + veps)).CopyTo(p.Slice(j));
            }
        }
        for (; j < p.Length; j++)
        {
            float g = grad[j] * scale + l2 * p[j];
            float mj = m[j] = b1 * m[j] + (1 - b1) * g;
            float vj = v[j] = b2 * v[j] + (1 - b2) * g * g;
            p[j] = p[j] * decay - stepSize * mj / (MathF.Sqrt(vj) * (1 / correction2) + eps);
        }
    }

    public void Dispose()
    {
        bag.RowGradients = false;
        foreach (Tensor t in first.Concat(second)) t.Dispose();
    }
}
