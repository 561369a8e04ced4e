namespace LstmMlNet.Engine;

/// <summary>Token ids (int64 [B, T]) looked up in an embedding [V, E]; id 0 is the out-of-vocabulary token.</summary>
/// <param name="VocabularySize">Embedding rows V (the out-of-vocabulary row included), positive.</param>
/// <param name="EmbeddingSize">Embedding width E, positive.</param>
/// <param name="SubwordBuckets">Hashed character n-gram buckets (fastText's subword scheme): each token's vector is the
/// mean of its own embedding row and its n-grams' rows; 0 (default) for none.</param>
/// <param name="TokenDropout">Word dropout: while training, each id is read as the out-of-vocabulary id 0 with this
/// probability, in [0, 1); 0 (default) for none. No effect in evaluation.</param>
/// <param name="ZeroUnknown">The out-of-vocabulary row starts at zero rather than at random: set when no training token
/// maps to id 0 (the vocabulary kept every training token and there is no word dropout), so the row never trains and an
/// unseen word at scoring then reads zeros, not an untrained random vector.</param>
internal sealed record TokenInput(int VocabularySize, int EmbeddingSize, int SubwordBuckets = 0, double TokenDropout = 0.0, bool ZeroUnknown = false) : NetworkInput
{
    public override SequenceInputKind Kind => SequenceInputKind.Tokens;

    public override int EncoderInputSize => EmbeddingSize;

    public override void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(VocabularySize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(EmbeddingSize);
        ArgumentOutOfRangeException.ThrowIfNegative(SubwordBuckets);
        EncoderSpec.RequireDropout(TokenDropout);
    }
}
