namespace LstmMlNet.Engine;

/// <summary>What a <see cref="SequenceNetwork"/> reads at each step: <see cref="TokenInput"/> or <see cref="FrameInput"/>.
/// The options of one kind (subword n-grams for tokens; projection and step skip for frames) exist only on its record,
/// so a network cannot be asked for the other kind's.</summary>
internal abstract record NetworkInput
{
    /// <summary>The kind of input.</summary>
    public abstract SequenceInputKind Kind { get; }

    /// <summary>Features per step that the encoder reads (embedding size E, or projection size P or frame size F).</summary>
    public abstract int EncoderInputSize { get; }

    /// <summary>Guards the invariants of a spec built from validated options (ArgumentOutOfRangeException naming the member).</summary>
    public abstract void Validate();
}
