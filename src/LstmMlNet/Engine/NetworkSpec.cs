namespace LstmMlNet.Engine;

/// <summary>
/// A whole sequence network: input (token embedding or float frames with an optional linear projection)
/// → input dropout → recurrent encoder → pooling → dropout → linear head with <see cref="Outputs"/> units.
/// </summary>
/// <remarks><see cref="InputDropout"/> zeroes elements of the encoder's inputs (embeddings or frames) while training;
/// <see cref="HeadDropout"/> does the same to the pooled vector. Neither changes inference. <see cref="StepSkip"/> (frames
/// only, per-step outputs only) adds a linear map of each step's frame, without bias and initialised to zero, to that
/// step's head output: a direct path from the inputs of a step to its output beside the recurrent one.
/// <see cref="SubwordBuckets"/> (tokens only): each token's vector is the mean of its own embedding row and the
/// embeddings of its hashed character n-grams (fastText's subword scheme; the table of n-grams comes with the network).
/// <see cref="BagOfEmbeddings"/> (pooled output only): the head also reads the mean of the step inputs (embeddings, or
/// frames after the optional projection) over the sequence's steps, a bag-of-words path beside the recurrent one.</remarks>
internal sealed record NetworkSpec(
    SequenceInputKind Input,
    int Outputs,
    RecurrentCellKind Cell = RecurrentCellKind.Lstm,
    int HiddenSize = 128,
    int Layers = 1,
    bool Bidirectional = false,
    double Dropout = 0.0,
    PoolingKind Pooling = PoolingKind.Last,
    int AttentionSize = 64,
    double HeadDropout = 0.0,
    int VocabularySize = 0,
    int EmbeddingSize = 0,
    int FrameSize = 0,
    int ProjectionSize = 0,
    RecurrentInitialization? Initialization = null,
    double InputDropout = 0.0,
    bool StepSkip = false,
    int SubwordBuckets = 0,
    bool BagOfEmbeddings = false)
{
    /// <summary>Width of the vector the head reads: the pooled encoder output, plus the mean step input (embedding or
    /// frame) with <see cref="BagOfEmbeddings"/>.</summary>
    public int HeadInputSize => Encoder.OutputSize + (BagOfEmbeddings ? EncoderInputSize : 0);

    /// <summary>Features per step seen by the encoder.</summary>
    public int EncoderInputSize => Input == SequenceInputKind.Tokens ? EmbeddingSize : ProjectionSize > 0 ? ProjectionSize : FrameSize;

    public EncoderSpec Encoder => new(Cell, EncoderInputSize, HiddenSize, Layers, Bidirectional, Dropout, Initialization);

    public void Validate()
    {
        if (Outputs <= 0) throw new ArgumentOutOfRangeException(nameof(Outputs), Outputs, "The head needs at least one output.");
        if (Input == SequenceInputKind.Tokens)
        {
            if (VocabularySize <= 0) throw new ArgumentOutOfRangeException(nameof(VocabularySize), VocabularySize, "Vocabulary size must be a positive integer.");
            if (EmbeddingSize <= 0) throw new ArgumentOutOfRangeException(nameof(EmbeddingSize), EmbeddingSize, "Embedding size must be a positive integer.");
        }
        else
        {
            if (FrameSize <= 0) throw new ArgumentOutOfRangeException(nameof(FrameSize), FrameSize, "Frame size must be a positive integer.");
            if (ProjectionSize < 0) throw new ArgumentOutOfRangeException(nameof(ProjectionSize), ProjectionSize, "Projection size must be 0 (none) or positive.");
        }
        if (SubwordBuckets < 0) throw new ArgumentOutOfRangeException(nameof(SubwordBuckets), SubwordBuckets, "Subword buckets must be 0 (none) or positive.");
        if (SubwordBuckets > 0 && Input != SequenceInputKind.Tokens) throw new ArgumentOutOfRangeException(nameof(SubwordBuckets), SubwordBuckets, "Subword n-grams need token input.");
        if (StepSkip && Input != SequenceInputKind.Frames) throw new ArgumentOutOfRangeException(nameof(StepSkip), StepSkip, "The step skip reads frames; this network reads tokens.");
        if (HeadDropout is < 0.0 or >= 1.0 || double.IsNaN(HeadDropout)) throw new ArgumentOutOfRangeException(nameof(HeadDropout), HeadDropout, "Dropout must be in [0, 1).");
        if (InputDropout is < 0.0 or >= 1.0 || double.IsNaN(InputDropout)) throw new ArgumentOutOfRangeException(nameof(InputDropout), InputDropout, "Dropout must be in [0, 1).");
        Encoder.Validate();
    }
}
