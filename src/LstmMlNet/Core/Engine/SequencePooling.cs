using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LstmMlNet.Engine;

/// <summary>Pools encoder outputs [B, T, D] over valid steps into [B, D]; see <see cref="PoolingKind"/>.</summary>
internal sealed class SequencePooling : nn.Module
{
    private readonly Linear? attentionProjection;
    private readonly Linear? attentionScore;

    public SequencePooling(PoolingKind kind, int hiddenSize, bool bidirectional, int attentionSize) : base(nameof(SequencePooling))
    {
        Kind = kind;
        HiddenSize = hiddenSize;
        Bidirectional = bidirectional;
        if (kind == PoolingKind.Attention)
        {
            if (attentionSize <= 0) throw new ArgumentOutOfRangeException(nameof(attentionSize), attentionSize, "Attention size must be a positive integer.");
            int width = hiddenSize * (bidirectional ? 2 : 1);
            attentionProjection = nn.Linear(width, attentionSize);
            attentionScore = nn.Linear(attentionSize, 1, hasBias: false);
        }
        RegisterComponents();
    }

    public PoolingKind Kind { get; }

    public int HiddenSize { get; }

    public bool Bidirectional { get; }

    /// <summary>What <see cref="Forward"/> reads of the encoder's outputs: last-step pooling selects valid steps, max
    /// pooling takes a maximum over them after filling padded steps with −∞ (so neither depends on the padded steps'
    /// values, nor max pooling on the order of valid steps); mean and attention pooling multiply every step by its
    /// weight, so they ask for the padded steps zeroed (0 · x is 0 only for finite x).</summary>
    internal EncoderOutputUse EncoderOutputUse => Kind switch
    {
        PoolingKind.Last => EncoderOutputUse.ValidSteps,
        PoolingKind.Max => EncoderOutputUse.MaxOverValidSteps,
        _ => EncoderOutputUse.AllSteps,
    };

    /// <summary>Mean of <paramref name="x"/> [B, T, D] over each row's valid steps: <paramref name="valid"/> [B, T] marks
    /// them, <paramref name="lengths"/> [B] counts them (both on x's device). Padded steps must be finite.</summary>
    internal static Tensor MeanOverValidSteps(Tensor x, Tensor valid, Tensor lengths) =>
        (x * valid.unsqueeze(-1).to(x.dtype)).sum(1) / lengths.unsqueeze(1).to(x.dtype);

    /// <summary><see cref="MeanOverValidSteps(Tensor, Tensor, Tensor)"/> with the mask built from CPU or device lengths [B].</summary>
    internal static Tensor MeanOverValidSteps(Tensor x, Tensor lengths)
    {
        Tensor len = lengths.to(x.device);
        Tensor valid = SequenceMask.ValidSteps(len, x.shape[1]);
        return MeanOverValidSteps(x, valid, len);
    }

    /// <summary>Attention's W and b (Linear D → A); null unless pooling is attention.</summary>
    internal Linear? AttentionProjection => attentionProjection;

    /// <summary>Attention's v (Linear A → 1, no bias); null unless pooling is attention.</summary>
    internal Linear? AttentionScore => attentionScore;

    /// <summary>Pools <paramref name="output"/> [B, T, D] with <paramref name="lengths"/> (int64 [B], CPU or device).
    /// Returns the pooled [B, D] and, for attention, the weights α [B, T] (zero past each length).</summary>
    public (Tensor Pooled, Tensor? Weights) Forward(Tensor output, Tensor lengths)
    {
        long steps = output.shape[1];
        Tensor len = lengths.to(output.device);
        Tensor valid = SequenceMask.ValidSteps(len, steps); // [B, T]
        switch (Kind)
        {
            case PoolingKind.Last:
            {
                Tensor lastIndex = len.Minus(1).view(-1, 1, 1).expand(output.shape[0], 1, output.shape[2]);
                Tensor last = output.gather(1, lastIndex).squeeze(1);
                if (!Bidirectional) return (last, null);
                Tensor forward = last.narrow(1, 0, HiddenSize);
                Tensor backward = output.select(1, 0).narrow(1, HiddenSize, HiddenSize);
                return (cat(new[] { forward, backward }, dim: 1), null);
            }
            case PoolingKind.Mean:
                return (MeanOverValidSteps(output, valid, len), null);
            case PoolingKind.Max:
                // max(dim) rather than amax: the same values; its backward scatters each channel's gradient to the
                // one step it returns instead of sharing it among tied steps (a cheaper subgradient, as nn.LSTM code
                // usually pools).
                return (output.FilledWhere(valid.logical_not().unsqueeze(-1), double.NegativeInfinity).max(1).values, null);
            case PoolingKind.Attention:
            {
                Tensor scores = attentionScore!.call(attentionProjection!.call(output).tanh()).squeeze(-1); // [B, T]
                Tensor alpha = scores.FilledWhere(valid.logical_not(), double.NegativeInfinity).softmax(1);
                return ((alpha.unsqueeze(-1) * output).sum(1), alpha);
            }
            default:
                throw new InvalidOperationException($"Unknown pooling {Kind}.");
        }
    }
}
