using System.Buffers;
using System.Runtime.InteropServices;
using LstmMlNet.Data;
using TorchSharp;
using static TorchSharp.torch;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace LstmMlNet.Engine;

/// <summary>
/// The token vectors of a network with subwords, computed over the tensors' memory on the CPU as one autograd node:
/// the vector of id r is (e_r + Σ_{g ∈ G_r} s_g) / (1 + |G_r|) over row r's n-gram buckets G_r, for every position of a
/// padded id batch [B, T]. The padded table <see cref="SubwordTable"/> is as wide as the longest token's bucket
/// list, many times the average (figures in benchmarks/README.md), so the libtorch formulation — a [N, width, E] gather and its dense
/// embedding backward — spent most of its time on padding rows; this one reads only each row's own buckets (kept in
/// compressed rows), computes each distinct id of the batch once, and in the backward sums the incoming gradient per
/// distinct id before adding it once to the token row and once to each of its bucket rows. The gradients are the
/// same as the libtorch formulation's up to float summation order (the padding bucket's row gets none, as
/// <c>padding_idx</c> gives it none).
/// </summary>
internal sealed class SubwordBag
{
    private readonly int[] offsets;
    private readonly int[] buckets;
    private readonly float[] scale;
    private readonly RowMarks touchedTokens;
    private readonly RowMarks touchedBuckets;
    private bool rowGradients;
    private float[]? tokenGradients;
    private float[]? bucketGradients;

    public SubwordBag(SubwordTable table)
    {
        Rows = table.Rows;
        offsets = new int[table.Rows + 1];
        var flat = new List<int>(table.Rows * 8);
        scale = new float[table.Rows];
        for (int r = 0; r < table.Rows; r++)
        {
            // A row's own buckets come first, Counts[r] − 1 of them; the rest of the row is padding.
            int own = (int)table.Counts[r] - 1;
            for (int k = 0; k < own; k++) flat.Add((int)table.Indices[r * table.Width + k]);
            offsets[r + 1] = flat.Count;
            scale[r] = 1f / table.Counts[r];
        }
        buckets = flat.ToArray();
        touchedTokens = new RowMarks(table.Rows);
        touchedBuckets = new RowMarks(buckets.Length == 0 ? 1 : buckets.Max() + 1);
    }

    /// <summary>Vocabulary rows.</summary>
    public int Rows { get; }

    /// <summary>The rows of the token table and of the n-gram table that backward passes gave a gradient since the last
    /// call (ascending), and forgets them. Every other row's gradient is zero: a row-sparse optimiser
    /// (<see cref="Training.LazyRowAdam"/>) needs to update only these.</summary>
    public (long[] Tokens, long[] Buckets) TakeTouchedRows()
    {
        return (touchedTokens.Take(), touchedBuckets.Take());
    }

    /// <summary>Whether the backward pass leaves the tables' gradients in <see cref="TokenGradients"/> and
    /// <see cref="BucketGradients"/> (kept between steps, non-zero only on the rows <see cref="TakeTouchedRows"/> names)
    /// instead of handing autograd two dense gradient tensors: for a row-sparse optimiser
    /// (<see cref="Training.LazyRowAdam"/>), which reads the touched rows there and clears them with
    /// <see cref="ClearRowGradients"/>. A dense gradient of both tables (16 MB at 32,000 rows × 128) is zeroed, written and
    /// freed on every step otherwise; the tables' own <c>grad</c> then stays empty. Default false.</summary>
    public bool RowGradients
    {
        get => rowGradients;
        set
        {
            rowGradients = value;
            if (!value) (tokenGradients, bucketGradients) = (null, null);
        }
    }

    /// <summary>The token table's gradient, row-major [rows, E], when <see cref="RowGradients"/> is on and a backward pass
    /// has run; else empty.</summary>
    public Span<float> TokenGradients => tokenGradients;

    /// <summary>The n-gram table's gradient, row-major [buckets + 1, E], as <see cref="TokenGradients"/>.</summary>
    public Span<float> BucketGradients => bucketGradients;

    /// <summary>Zeroes the given rows of <see cref="TokenGradients"/> and <see cref="BucketGradients"/> (rows as
    /// <see cref="TakeTouchedRows"/> returns them); nothing before the first backward pass.</summary>
    public void ClearRowGradients(long[] tokenRows, long[] bucketRows)
    {
        if (tokenGradients is null || bucketGradients is null) return;
        int e = tokenGradients.Length / Rows;
        foreach (long r in tokenRows) tokenGradients.AsSpan((int)r * e, e).Clear();
        foreach (long r in bucketRows) bucketGradients.AsSpan((int)r * e, e).Clear();
    }

    /// <summary>Vectors [B, T, E] of the ids [B, T] (int64, CPU), differentiable in both tables (float32, CPU, contiguous).</summary>
    public Tensor Apply(Tensor tokenWeight, Tensor subwordWeight, Tensor ids) => Function.apply(tokenWeight, subwordWeight, ids, this);

    /// <summary>Whether <see cref="Apply"/> can run on these tensors (float32 tables and ids on the CPU).</summary>
    public static bool Supports(Tensor tokenWeight, Tensor ids) =>
        tokenWeight.device_type == DeviceType.CPU && ids.device_type == DeviceType.CPU && tokenWeight.dtype == ScalarType.Float32;

    /// <summary>The distinct ids of <paramref name="ids"/> in order of first occurrence and each position's index among them.</summary>
    private (int[] Distinct, int[] Slot) Distinct(ReadOnlySpan<long> ids)
    {
        int[] slotOf = ArrayPool<int>.Shared.Rent(Rows);
        Array.Clear(slotOf, 0, Rows);
        var distinct = new List<int>();
        var slot = new int[ids.Length];
        for (int p = 0; p < ids.Length; p++)
        {
            long id = ids[p];
            if ((ulong)id >= (ulong)Rows) throw new ArgumentOutOfRangeException(nameof(ids), id, $"Token id {id} is outside 0..{Rows - 1}.");
            int s = slotOf[id];
            if (s == 0)
            {
                distinct.Add((int)id);
                s = slotOf[id] = distinct.Count;
            }
            slot[p] = s - 1;
        }
        ArrayPool<int>.Shared.Return(slotOf);
        return (distinct.ToArray(), slot);
    }

    private Tensor Forward(Tensor tokenWeight, Tensor subwordWeight, Tensor ids, out int[] distinct, out int[] slot)
    {
        int e = (int)tokenWeight.shape[1];
        Tensor idsC = ids.contiguous();
        (distinct, slot) = Distinct(MemoryMarshal.Cast<byte, long>(idsC.bytes));
        Tensor tok = tokenWeight.detach().contiguous();
        Tensor sub = subwordWeight.detach().contiguous();
        ReadOnlySpan<float> t = CpuLayerMemory.Floats(tok);
        ReadOnlySpan<float> s = CpuLayerMemory.Floats(sub);
        // Pooled scratch buffers: per-batch arrays of this size would land on the large-object heap on every step.
        float[] vectors = ArrayPool<float>.Shared.Rent(distinct.Length * e);
        for (int n = 0; n < distinct.Length; n++)
        {
            int r = distinct[n];
            Span<float> v = vectors.AsSpan(n * e, e);
            t.Slice(r * e, e).CopyTo(v);
            for (int k = offsets[r]; k < offsets[r + 1]; k++) TensorPrimitives.Add(v, s.Slice(buckets[k] * e, e), v);
            TensorPrimitives.Multiply(v, scale[r], v);
        }
        Tensor output = empty(new long[] { ids.shape[0], ids.shape[1], e }, ScalarType.Float32);
        Span<float> o = CpuLayerMemory.Floats(output);
        for (int p = 0; p < slot.Length; p++) vectors.AsSpan(slot[p] * e, e).CopyTo(o.Slice(p * e, e));
        ArrayPool<float>.Shared.Return(vectors);
        GC.KeepAlive(idsC);
        GC.KeepAlive(tok);
        GC.KeepAlive(sub);
        return output;
    }

    private (Tensor? Token, Tensor? Subword) Backward(Tensor grad, int[] distinct, int[] slot, long[] tokenShape, long[] subwordShape)
    {
        int e = (int)tokenShape[1];
        Tensor g = grad.contiguous();
        ReadOnlySpan<float> gs = CpuLayerMemory.Floats(g);
        float[] perId = ArrayPool<float>.Shared.Rent(distinct.Length * e);
        Array.Clear(perId, 0, distinct.Length * e);
        for (int p = 0; p < slot.Length; p++)
        {
            Span<float> acc = perId.AsSpan(slot[p] * e, e);
            TensorPrimitives.Add(acc, gs.Slice(p * e, e), acc);
        }
        Tensor? tokenGrad = null, subwordGrad = null;
        Span<float> tg, sg;
        if (rowGradients)
        {
            // Kept between steps: zero except on the touched rows, which the optimiser clears after reading them.
            tokenGradients ??= new float[tokenShape[0] * e];
            bucketGradients ??= new float[subwordShape[0] * e];
            tg = tokenGradients;
            sg = bucketGradients;
        }
        else
        {
            tokenGrad = zeros(tokenShape, ScalarType.Float32);
            subwordGrad = zeros(subwordShape, ScalarType.Float32);
            tg = CpuLayerMemory.Floats(tokenGrad);
            sg = CpuLayerMemory.Floats(subwordGrad);
        }
        for (int n = 0; n < distinct.Length; n++)
        {
            int r = distinct[n];
            Span<float> v = perId.AsSpan(n * e, e);
            TensorPrimitives.Multiply(v, scale[r], v);
            Span<float> tokenRow = tg.Slice(r * e, e);
            TensorPrimitives.Add(tokenRow, v, tokenRow); // each distinct id once (into zeros unless a gradient is kept)
            touchedTokens.Add(r);
            for (int k = offsets[r]; k < offsets[r + 1]; k++)
            {
                touchedBuckets.Add(buckets[k]);
                Span<float> row = sg.Slice(buckets[k] * e, e);
                TensorPrimitives.Add(row, v, row);
            }
        }
        ArrayPool<float>.Shared.Return(perId);
        GC.KeepAlive(g);
        return (tokenGrad, subwordGrad);
    }

    /// <summary>A set of row numbers below a bound, as marks plus the list of marked rows.</summary>
    private sealed class RowMarks(int bound)
    {
        private readonly bool[] marked = new bool[bound];
        private readonly List<int> rows = new();

        public void Add(int row)
        {
            if (marked[row]) return;
            marked[row] = true;
            rows.Add(row);
        }

        /// <summary>The marked rows, ascending; clears the set.</summary>
        public long[] Take()
        {
            rows.Sort();
            var result = new long[rows.Count];
            for (int k = 0; k < rows.Count; k++)
            {
                result[k] = rows[k];
                marked[rows[k]] = false;
            }
            rows.Clear();
            return result;
        }
    }

    private sealed class Function : TorchSharp.torch.autograd.SingleTensorFunction<Function>
    {
        public override string Name => nameof(SubwordBag);

        public override Tensor forward(TorchSharp.torch.autograd.AutogradContext ctx, params object[] vars)
        {
            var tokenWeight = (Tensor)vars[0];
            var subwordWeight = (Tensor)vars[1];
            var ids = (Tensor)vars[2];
            var bag = (SubwordBag)vars[3];
            Tensor output = bag.Forward(tokenWeight, subwordWeight, ids, out int[] distinct, out int[] slot);
            ctx.save_data("bag", bag);
            ctx.save_data("distinct", distinct);
            ctx.save_data("slot", slot);
            ctx.save_data("tokenShape", tokenWeight.shape);
            ctx.save_data("subwordShape", subwordWeight.shape);
            return output;
        }

        public override List<Tensor> backward(TorchSharp.torch.autograd.AutogradContext ctx, Tensor grad)
        {
            var bag = (SubwordBag)ctx.get_data("bag");
            var (token, subword) = bag.Backward(grad, (int[])ctx.get_data("distinct"), (int[])ctx.get_data("slot"),
                (long[])ctx.get_data("tokenShape"), (long[])ctx.get_data("subwordShape"));
            // One gradient per argument: the two tables (none with RowGradients: they are in the bag's buffers), then the
            // (integer) ids and the bag.
            return new List<Tensor> { token!, subword!, null!, null! };
        }
    }
}
