namespace LstmMlNet.Data;

/// <summary>How a trainer's feature column is read: text tokens with a vocabulary built at Fit, key-typed tokens
/// whose key values become the vocabulary, or float frames.</summary>
internal enum FeatureColumnKind
{
    TextTokens,
    KeyTokens,
    Frames,
}
