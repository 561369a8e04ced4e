using static TorchSharp.torch;

namespace LstmMlNet.Engine;

/// <summary>
/// The input end of a <see cref="SequenceNetwork"/>: turns a padded batch of raw steps into the per-step vectors the
/// encoder reads. <see cref="TokenInputLayer"/> (token ids through an embedding, optionally with subword n-grams) and
/// <see cref="FrameInputLayer"/> (float frames, optionally projected) are the two kinds; the network built from a
/// <see cref="NetworkSpec"/> holds the one its <see cref="NetworkSpec.Input"/> names, so the other kind's parts do not
/// exist in it.
/// </summary>
internal abstract class SequenceInputLayer : nn.Module
{
    protected SequenceInputLayer(string name) : base(name)
    {
    }

    /// <summary>Per-step encoder inputs [B, T, I] from raw inputs (ids [B, T] or frames [B, T, F]); differentiable in the
    /// layer's parameters. Throws <see cref="ArgumentException"/> for inputs of the wrong kind or shape.</summary>
    public abstract Tensor Embed(Tensor inputs);

    /// <summary>The layer for <paramref name="input"/>: a <see cref="TokenInputLayer"/> or a <see cref="FrameInputLayer"/>.</summary>
    public static SequenceInputLayer For(NetworkInput input, Data.SubwordTable? subwordTable) => input switch
    {
        TokenInput tokens => new TokenInputLayer(tokens, subwordTable),
        FrameInput frames => new FrameInputLayer(frames),
        _ => throw new ArgumentOutOfRangeException(nameof(input), input, "Unknown network input."),
    };
}
