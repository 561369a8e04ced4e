using LstmMlNet.Data;
using LstmMlNet.Onnx;
using LstmMlNet.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace LstmMlNet;

/// <summary>
/// Where a trainer's sequences come from in one Fit: the feature column read as it is (token ids over a vocabulary, or
/// float frames), or a pretrained encoder's frames of a text column. The trainer asks every source the same things —
/// the training rows, other rows (a validation set), the exported network's input, and the scoring steps in front of the
/// network — so it never branches on the kind of source.
/// </summary>
internal abstract class SequenceSource : IDisposable
{
    /// <summary>Name of the ONNX graph input that token ids are fed to (a temporary column of the fitted model).</summary>
    private protected const string IdsColumn = "LstmMlNet.TokenIds";

    /// <summary>The source of a Fit of <paramref name="o"/> on <paramref name="input"/>: the pretrained encoder named by
    /// <see cref="LstmTrainerOptions.TextEncoder"/> (its own package, found by name), or the column as it is.</summary>
    public static SequenceSource Fit(MLContext ml, IDataView input, LstmTrainerOptions o, IChannel log) =>
        o.TextEncoder == PretrainedTextEncoder.None
            ? new ColumnSource(input, o, log)
            : new PretrainedSource(PretrainedEncoders.Find(o.TextEncoder).Fit(ml, input, o.FeatureColumnName, o.MaxSequenceLength, log), o, log);

    /// <summary>What the network reads: the kind of input, the vocabulary (tokens) or frame size, the maximum length.</summary>
    public abstract SequenceFeatures Features { get; }

    /// <summary>The training rows, read once.</summary>
    public abstract SequenceFeatures.SequenceRows Training { get; }

    /// <summary>Whether the network may add a bag of the step vectors to its pooled state (token embeddings or pretrained
    /// frames; not raw numeric frames).</summary>
    public abstract bool HasStepVectors { get; }

    /// <summary>The rows of other data (a validation set), read as the training rows were.</summary>
    public abstract SequenceFeatures.SequenceRows Read(IDataView data, IChannel log);

    /// <summary>The exported network's input name.</summary>
    public abstract string GraphInput { get; }

    /// <summary>The export settings with what the source adds (a pretrained encoder's frame standardisation).</summary>
    public virtual OnnxExportOptions Prepare(OnnxExportOptions export) => export;

    /// <summary>The saved graph: the network alone, or a pretrained front composed with it.</summary>
    public virtual byte[] Compose(byte[] network) => network;

    /// <summary>The ML.NET steps that feed the feature column to the graph <paramref name="onnx"/> and write the network's
    /// output to <paramref name="outputColumn"/>, and the temporary columns they add (dropped from the fitted model).</summary>
    public abstract (IEstimator<ITransformer> Chain, string[] Temporary) Scoring(MLContext ml, byte[] onnx, IDataView input, string outputColumn);

    public virtual void Dispose()
    {
    }

    /// <summary>The feature column as it is: tokens (Text or Key vectors, a vocabulary built at Fit) or frames (a Single
    /// vector of FrameSize values a step).</summary>
    private sealed class ColumnSource : SequenceSource
    {
        private readonly LstmTrainerOptions options;

        public ColumnSource(IDataView input, LstmTrainerOptions o, IChannel log)
        {
            options = o;
            var (features, rows) = SequenceFeatures.Fit(input, o.FeatureColumnName, o.FrameSize, o.MaxSequenceLength, o.MaxVocabularySize, o.MinTokenCount, log);
            Features = features;
            Training = rows;
        }

        public override SequenceFeatures Features { get; }

        public override SequenceFeatures.SequenceRows Training { get; }

        public override bool HasStepVectors => Features.Vocabulary is not null;

        public override string GraphInput => Features.Kind == FeatureColumnKind.Frames ? options.FeatureColumnName : IdsColumn;

        public override SequenceFeatures.SequenceRows Read(IDataView data, IChannel log) => Features.Read(data, options.FeatureColumnName, log);

        public override (IEstimator<ITransformer> Chain, string[] Temporary) Scoring(MLContext ml, byte[] onnx, IDataView input, string outputColumn)
        {
            string column = options.FeatureColumnName;
            if (Features.Kind == FeatureColumnKind.Frames)
            {
                int fixedLength = input.Schema[column].Type is VectorDataViewType { IsKnownSize: true } known ? known.Size : 0;
                return (OnnxScoringChain.ForFrames(ml, column, onnx, column, fixedLength, outputColumn), Array.Empty<string>());
            }
            string tokenText = column;
            IEstimator<ITransformer> keysToText = new EstimatorChain<ITransformer>();
            var temporary = new List<string>();
            if (Features.Kind == FeatureColumnKind.KeyTokens)
            {
                tokenText = IdsColumn + ".Text";
                keysToText = ml.Transforms.Conversion.MapKeyToValue(tokenText, column);
                temporary.Add(tokenText);
            }
            var vocabulary = Features.Vocabulary!.Ids.Select(kv => new KeyValuePair<string, long>(kv.Key, kv.Value));
            return (keysToText.Append(OnnxScoringChain.ForTokens(ml, tokenText, vocabulary, onnx, IdsColumn, outputColumn)), temporary.ToArray());
        }
    }

    /// <summary>A pretrained encoder's frames of a text column (<see cref="IPretrainedFrameSource"/>): encoded once at Fit,
    /// standardised in the graph, and in the saved model the encoder's front composed with the network into one graph.</summary>
    private sealed class PretrainedSource : SequenceSource
    {
        private readonly IPretrainedFrameSource text;

        public PretrainedSource(IPretrainedFrameSource text, LstmTrainerOptions o, IChannel log)
        {
            this.text = text;
            Features = SequenceFeatures.ForFrames(text.FrameSize, o.MaxSequenceLength);
            Training = new SequenceFeatures.SequenceRows(null, text.EncodeTraining(log));
        }

        public override SequenceFeatures Features { get; }

        public override SequenceFeatures.SequenceRows Training { get; }

        public override bool HasStepVectors => true;

        public override string GraphInput => TextEncoderGraph.FramesOutput;

        public override SequenceFeatures.SequenceRows Read(IDataView data, IChannel log) => new(null, text.Encode(data, log));

        public override OnnxExportOptions Prepare(OnnxExportOptions export) => export with { FrameMean = text.FrameMean, FrameScale = text.FrameScale };

        public override byte[] Compose(byte[] network) => text.Compose(network);

        /// <summary>The encoder's steps before the graph (MiniLM: NormalizeText), then the one graph: tokens, ids, the
        /// encoder, the network.</summary>
        public override (IEstimator<ITransformer> Chain, string[] Temporary) Scoring(MLContext ml, byte[] onnx, IDataView input, string outputColumn) =>
            (text.Preprocess(ml).Append(OnnxScoringChain.ForFrames(ml, TextEncoderGraph.TextInput, onnx, TextEncoderGraph.TextInput, 0, outputColumn)),
                new[] { TextEncoderGraph.TextInput });

        public override void Dispose() => text.Dispose();
    }
}
