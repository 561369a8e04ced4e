using static TorchSharp.torch;

namespace LstmMlNet.Engine;

/// <summary>
/// The lengths of a right-padded batch and everything derived from them, in one place: which steps are valid
/// (t &lt; len_b), which are padding, each row's last valid step, and the reversal of each row within its length.
/// Built once per encoder call from CPU int64 lengths [B]; tensors on the batch's device are made when first asked for.
/// </summary>
internal sealed class SequenceMask
{
    private Tensor? onDevice;
    private Tensor? valid;
    private Tensor? padding;
    private Tensor? reversalRows;

    /// <param name="lengths">int64 [B] on the CPU, each in [1, <paramref name="steps"/>] (checked by the caller).</param>
    /// <param name="steps">Steps T of the padded batch.</param>
    /// <param name="full">True when every length is T (no padding).</param>
    /// <param name="device">The batch's device.</param>
    public SequenceMask(Tensor lengths, long steps, bool full, Device device)
    {
        Lengths = lengths;
        Steps = steps;
        Full = full;
        Device = device;
    }

    /// <summary>The lengths, int64 [B] on the CPU.</summary>
    public Tensor Lengths { get; }

    /// <summary>Steps T of the padded batch.</summary>
    public long Steps { get; }

    /// <summary>True when every row fills all T steps.</summary>
    public bool Full { get; }

    /// <summary>The batch's device.</summary>
    public Device Device { get; }

    /// <summary>Rows B.</summary>
    public long Batch => Lengths.shape[0];

    /// <summary>The lengths on the batch's device, int64 [B].</summary>
    public Tensor OnDevice => onDevice ??= Lengths.to(Device);

    /// <summary>valid[b, t, 0] = t &lt; len_b, bool [B, T, 1].</summary>
    public Tensor Valid => valid ??= ValidSteps(OnDevice, Steps).unsqueeze(-1);

    /// <summary>padding[b, t, 0] = t ≥ len_b, bool [B, T, 1].</summary>
    public Tensor Padding => padding ??= Valid.logical_not();

    /// <summary>Gather indices [B, 1, <paramref name="width"/>] of each row's last valid step, len_b − 1.</summary>
    public Tensor LastStep(long width) => OnDevice.Minus(1).view(-1, 1, 1).expand(Batch, 1, width);

    /// <summary>The row permutation of the flattened [B·T, D] batch that reverses each row within its length
    /// (see <see cref="StepReversal.Rows"/>).</summary>
    public Tensor ReversalRows => reversalRows ??= StepReversal.Rows(OnDevice, Steps);

    /// <summary><see cref="ReverseWithinLengths"/> of <paramref name="x"/> [B, T, D] with these lengths.</summary>
    public Tensor Reverse(Tensor x) => ReverseWithinLengths(x, OnDevice, Full);

    /// <summary>valid[b, t] = t &lt; lengths[b], bool [B, T], on the lengths' device.</summary>
    public static Tensor ValidSteps(Tensor lengths, long steps) =>
        TorchScalars.Range(steps, ScalarType.Int64, lengths.device).unsqueeze(0).lt(lengths.unsqueeze(1));

    /// <summary>Reverses each sequence within its own length, leaving padded steps in place:
    /// y[b, t] = x[b, len_b − 1 − t] for t &lt; len_b, else x[b, t]. The map is its own inverse.
    /// <paramref name="lengths"/>: int64 [B] on x's device.</summary>
    public static Tensor ReverseWithinLengths(Tensor x, Tensor lengths, bool full)
    {
        if (full) return x.flip(1);
        long steps = x.shape[1];
        Tensor t = TorchScalars.Range(steps, ScalarType.Int64, x.device).unsqueeze(0);
        Tensor index = where(ValidSteps(lengths, steps), lengths.unsqueeze(1).Minus(1) - t, t);
        return x.gather(1, index.unsqueeze(-1).expand(x.shape[0], steps, x.shape[2]));
    }
}
