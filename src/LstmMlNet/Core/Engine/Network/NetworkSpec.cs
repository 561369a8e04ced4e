namespace LstmMlNet.Engine;

/// <summary>
/// A whole sequence network: input (<see cref="TokenInput"/>: a token embedding; <see cref="FrameInput"/>: float frames
/// with an optional linear projection) → input dropout → recurrent encoder → pooling → dropout → linear head with
/// <see cref="Outputs"/> units.
/// </summary>
/// <remarks><see cref="InputDropout"/> zeroes elements of the encoder's inputs (embeddings or frames) while training;
/// <see cref="HeadDropout"/> does the same to the pooled vector. Neither changes inference. The input-kind options
/// (subword n-grams for tokens; projection and step skip for frames) live on the input's record.
/// <see cref="BagOfEmbeddings"/> (pooled output only): the head also reads the mean of the step inputs (embeddings, or
/// frames after the optional projection) over the sequence's steps, a bag-of-words path beside the recurrent one.</remarks>
internal sealed record NetworkSpec(
    NetworkInput Input,
    int Outputs,
    RecurrentCellKind Cell = RecurrentCellKind.Lstm,
    int HiddenSize = 128,
    int Layers = 1,
    bool Bidirectional = false,
    double Dropout = 0.0,
    PoolingKind Pooling = PoolingKind.Last,
    int AttentionSize = 64,
    double HeadDropout = 0.0,
    RecurrentInitialization? Initialization = null,
    double InputDropout = 0.0,
    bool BagOfEmbeddings = false)
{
    /// <summary>The token input, or null for a frame network.</summary>
    public TokenInput? Tokens => Input as TokenInput;

    /// <summary>The frame input, or null for a token network.</summary>
    public FrameInput? Frames => Input as FrameInput;

    /// <summary>Embedding rows V of a token network; 0 for frames.</summary>
    public int VocabularySize => Tokens?.VocabularySize ?? 0;

    /// <summary>Embedding width E of a token network; 0 for frames.</summary>
    public int EmbeddingSize => Tokens?.EmbeddingSize ?? 0;

    /// <summary>Subword n-gram buckets of a token network (0 for none); 0 for frames.</summary>
    public int SubwordBuckets => Tokens?.SubwordBuckets ?? 0;

    /// <summary>Frame size F of a frame network; 0 for tokens.</summary>
    public int FrameSize => Frames?.FrameSize ?? 0;

    /// <summary>Projection width P of a frame network (0 for none); 0 for tokens.</summary>
    public int ProjectionSize => Frames?.ProjectionSize ?? 0;

    /// <summary>Whether a frame network has the step skip; false for tokens.</summary>
    public bool StepSkip => Frames?.StepSkip ?? false;

    /// <summary>Width of the vector the head reads: the pooled encoder output, plus the mean step input (embedding or
    /// frame) with <see cref="BagOfEmbeddings"/>.</summary>
    public int HeadInputSize => Encoder.OutputSize + (BagOfEmbeddings ? EncoderInputSize : 0);

    /// <summary>Features per step seen by the encoder.</summary>
    public int EncoderInputSize => Input.EncoderInputSize;

    public EncoderSpec Encoder => new(Cell, EncoderInputSize, HiddenSize, Layers, Bidirectional, Dropout, Initialization);

    public void Validate()
    {
        // Invariants of specs built from validated options (the options word the user-facing errors): guards, not messages.
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Outputs);
        ArgumentNullException.ThrowIfNull(Input);
        Input.Validate();
        EncoderSpec.RequireDropout(HeadDropout);
        EncoderSpec.RequireDropout(InputDropout);
        Encoder.Validate();
    }
}
