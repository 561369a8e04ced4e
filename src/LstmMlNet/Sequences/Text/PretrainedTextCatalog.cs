using LstmMlNet;
using LstmMlNet.Interop;

namespace Microsoft.ML;

/// <summary>Catalog entry for sentence vectors from a pretrained encoder: <c>ml.Transforms.Text.PretrainedSentenceVectors(...)</c>.</summary>
public static class PretrainedTextCatalog
{
    /// <summary>Mean-pooled, L2-normalised sentence vectors of a raw text column from a pretrained encoder (see
    /// <see cref="PretrainedSentenceVectorsEstimator"/>): with MiniLM a vector of 384 Single per row, the input of ML.NET's
    /// linear trainers. The app references the encoder's package (LstmMlNet.Text.MiniLM) to Fit.</summary>
    /// <param name="catalog">The text transforms.</param>
    /// <param name="outputColumnName">The vector column written.</param>
    /// <param name="inputColumnName">A scalar Text column of raw text (the estimator normalises and tokenises it itself).</param>
    /// <param name="encoder">The encoder (default MiniLM).</param>
    /// <param name="maxLength">Most WordPiece tokens read per row, [CLS] and [SEP] included (default 256).</param>
    public static PretrainedSentenceVectorsEstimator PretrainedSentenceVectors(this TransformsCatalog.TextTransforms catalog, string outputColumnName,
        string inputColumnName, PretrainedTextEncoder encoder = PretrainedTextEncoder.MiniLM, int maxLength = 256)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new PretrainedSentenceVectorsEstimator(CatalogEnvironment.Of(catalog), outputColumnName, inputColumnName, encoder, maxLength);
    }
}
