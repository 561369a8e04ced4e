using Microsoft.ML;

namespace LstmMlNet;

/// <summary>
/// Options shared by the recurrent trainers: the input column and how it is read, the network, and (inherited)
/// the training loop. Defaults train a bidirectional LSTM with max pooling that works on short texts without tuning.
/// </summary>
public abstract class LstmTrainerOptions : TrainingOptions
{
    /// <summary>The trainers' defaults, read by these options and by the flat overloads of <see cref="Microsoft.ML.LstmCatalog"/>
    /// alike, so the two cannot drift apart (ML.NET's <c>Options.Defaults</c>).</summary>
    internal static class Defaults
    {
        public const string LabelColumnName = "Label";
        public const string FeatureColumnName = "Tokens";
        public const RecurrentCellKind Cell = RecurrentCellKind.Lstm;
        /// <summary>Hidden units per direction of the regressor.</summary>
        public const int HiddenSize = 128;
        /// <summary>Hidden units per direction of the binary and multiclass classifiers (<see cref="LstmClassifierOptions"/>).</summary>
        public const int ClassifierHiddenSize = 64;
        public const int Layers = 1;
        public const bool Bidirectional = true;
        public const double Dropout = 0.2;
        public const int Epochs = 10;
        /// <summary>The regressor's network: what its <see cref="Network"/> reports for the members nobody set.</summary>
        public static readonly NetworkDefaults Network = new(Cell, HiddenSize, Layers, Bidirectional, Dropout);
        /// <summary>The classifiers' network (<see cref="LstmClassifierOptions"/>): the regressor's with
        /// <see cref="ClassifierHiddenSize"/> units.</summary>
        public static readonly NetworkDefaults ClassifierNetwork = Network with { HiddenSize = ClassifierHiddenSize };
    }

    private readonly NetworkDefaults networkDefaults;
    private RecurrentNetworkOptions network;

    /// <summary>Creates the options with the trainers' defaults.</summary>
    protected LstmTrainerOptions()
        : this(Defaults.Network)
    {
    }

    /// <summary>Creates the options with the trainers' defaults and <paramref name="networkDefaults"/> for the network.</summary>
    private protected LstmTrainerOptions(NetworkDefaults networkDefaults)
    {
        this.networkDefaults = networkDefaults;
        network = RecurrentNetworkOptions.OwnedBy(networkDefaults);
        Epochs = Defaults.Epochs;
    }

    /// <summary>Label column. Default "Label".</summary>
    public string LabelColumnName { get; set; } = Defaults.LabelColumnName;

    /// <summary>Input sequence column: a vector of Text tokens (e.g. from <c>TokenizeIntoWords</c>), a vector of
    /// Key&lt;UInt32&gt; tokens (from <c>MapValueToKey</c>), or, when <see cref="FrameSize"/> &gt; 0, a vector of
    /// Single holding steps × FrameSize values; with a <see cref="TextEncoder"/>, a scalar Text column of raw text.
    /// Default "Tokens".</summary>
    public string FeatureColumnName { get; set; } = Defaults.FeatureColumnName;

    /// <summary>Features per step of a numeric sequence column; 0 means the column holds tokens. Default 0.</summary>
    public int FrameSize { get; set; }

    /// <summary>
    /// A frozen pretrained encoder whose token vectors are the frames the recurrent layers read. Default
    /// <see cref="PretrainedTextEncoder.None"/>. With <see cref="PretrainedTextEncoder.MiniLM"/> the feature column is a
    /// scalar Text column of raw text (not tokens), <see cref="FrameSize"/> stays 0 (the frames are 384 wide),
    /// <see cref="MaxSequenceLength"/> counts WordPiece ids with [CLS] and [SEP] (at most 512), the vocabulary,
    /// embedding and subword options do not apply, and <see cref="BagOfEmbeddings"/> feeds the head the mean encoder
    /// vector beside the pooled recurrent output. At Fit the encoder runs once per row (progress in
    /// the log); only the recurrent layers and the head train, and the classifiers then blend in the linear probe on the
    /// mean vector (<see cref="LstmClassifierOptions.LinearProbeWeight"/>). The fitted model is ML.NET's NormalizeText and one
    /// ApplyOnnxModel whose graph tokenises (ONNX Runtime built-in operators), encodes and classifies, so it still loads
    /// and scores with Microsoft.ML, Microsoft.ML.OnnxTransformer and Microsoft.ML.OnnxRuntime only; it holds the
    /// encoder's 87 MB. The encoder comes in its own package (MiniLM: LstmMlNet.Text.MiniLM, at the version of LstmMlNet);
    /// without it Fit throws an <see cref="InvalidOperationException"/> naming the package to add.
    /// </summary>
    public PretrainedTextEncoder TextEncoder { get; set; }

    /// <summary>The recurrent encoder: cell, hidden size, layers, direction, dropout between layers, initialisation.
    /// Default: one bidirectional LSTM layer of 128 units per direction (64 for the classifiers,
    /// <see cref="LstmClassifierOptions"/>), dropout 0.2 between layers (used with 2+ layers), the default
    /// initialisation. The members a network does not set keep these defaults, whether its members are changed in place
    /// (<c>Network = { Cell = RecurrentCellKind.Gru, Layers = 2 }</c>) or a new instance is assigned
    /// (<c>Network = new RecurrentNetworkOptions { Cell = RecurrentCellKind.Gru, Layers = 2 }</c>); see
    /// <see cref="RecurrentNetworkOptions"/>.</summary>
    public RecurrentNetworkOptions Network
    {
        get => network;
        set => network = RecurrentNetworkOptions.Adopt(value, networkDefaults)!; // a null stays null for Validate
    }

    /// <summary>Dropout on the pooled vector before the head, in [0, 1). Default 0.3.</summary>
    public double HeadDropout { get; set; } = 0.3;

    /// <summary>Dropout on the encoder's inputs (token embeddings or frames) while training, in [0, 1). Default 0 (the
    /// regression trainer); 0.2 for the binary and multiclass trainers (<see cref="LstmClassifierOptions"/>).</summary>
    public double InputDropout { get; set; }

    /// <summary>Epochs of weight averaging after <see cref="TrainingOptions.Epochs"/> (stochastic weight averaging,
    /// Izmailov et al. 2018): training goes on for this many epochs at the base learning rate and the model's weights are
    /// the mean of the weights at the end of each of them (not when a validation set's best epoch is restored). 0 = none;
    /// null (default) = automatic: 5 for the binary and multiclass trainers reading tokens (10 + 5 epochs; over six text
    /// sets and three seeds each it was ahead of 10 epochs without it on every set, +0.6 points on average, for 1.5× the
    /// epochs — the AG News Fit benchmark measured 4.47× SDCA's time against 2.66× without it — and 20 epochs without it
    /// fell behind on AG News: docs/text.md), 0 for a text encoder's frames, other
    /// frames and the regression trainer, where it was not measured.</summary>
    public int? WeightAveragingEpochs { get; set; }

    /// <summary>Word dropout: while training, each token of a row is read as the out-of-vocabulary token with this
    /// probability, in [0, 1), so the network learns what the unknown-word vector means and does not lean on any one
    /// word. Token input only (ignored for frames and text encoders); no effect on scoring. Default 0.</summary>
    public double TokenDropout { get; set; }

    /// <summary>Token embedding width E. Default 128.</summary>
    public int EmbeddingSize { get; set; } = 128;

    /// <summary>Hash buckets for character n-grams of tokens (fastText's subwords); 0 turns them off. Default 20000.
    /// A token's vector is the mean of its own embedding and the embeddings of its n-grams
    /// (<see cref="SubwordMinLength"/> to <see cref="SubwordMaxLength"/> characters of "&lt;token&gt;"), so rare
    /// words share what related words learnt ("recommend", "recommended"). Costs B × <see cref="EmbeddingSize"/>
    /// trainable parameters; the fitted model stores only the resulting vector of each vocabulary token, so its size and
    /// scoring speed do not change. Tokens outside the vocabulary still map to the out-of-vocabulary vector. Token input
    /// only (ignored for numeric frames).</summary>
    public int SubwordBuckets { get; set; } = 20000;

    /// <summary>Shortest character n-gram, boundary marks included. Default 3.</summary>
    public int SubwordMinLength { get; set; } = 3;

    /// <summary>Longest character n-gram, boundary marks included. Default 5.</summary>
    public int SubwordMaxLength { get; set; } = 5;

    /// <summary>Feed the head the mean of the sequence's token vectors beside the pooled recurrent output, a
    /// bag-of-words path that short texts with few training rows learn quickly. Adds <see cref="EmbeddingSize"/>
    /// inputs per head output. Default true. Token input, and the frames of a <see cref="TextEncoder"/> (the mean
    /// encoder vector, 384 more head inputs); ignored for numeric frames of a column.</summary>
    public bool BagOfEmbeddings { get; set; } = true;

    /// <summary>Linear projection of numeric frames to this width before the encoder; 0 = none. Default 0.</summary>
    public int ProjectionSize { get; set; }

    /// <summary>Pooling over steps. Default <see cref="PoolingKind.Max"/>.</summary>
    public PoolingKind Pooling { get; set; } = PoolingKind.Max;

    /// <summary>Width A of additive attention (only for <see cref="PoolingKind.Attention"/>). Default 64.</summary>
    public int AttentionSize { get; set; } = 64;

    /// <summary>Longest sequence used, in steps. Longer sequences keep their first MaxSequenceLength steps, in training
    /// and in the fitted model alike (the count of truncated rows is logged). Default 256.</summary>
    public int MaxSequenceLength { get; set; } = 256;

    /// <summary>Most distinct tokens kept (the most frequent); others map to the out-of-vocabulary id 0. Default 30000.</summary>
    public int MaxVocabularySize { get; set; } = 30000;

    /// <summary>Least training occurrences for a token to enter the vocabulary. Default 2: tokens seen once in training
    /// share the out-of-vocabulary embedding with tokens never seen, so that embedding is trained on the same kind of
    /// words the model meets as unknown at prediction time. With 1 (and no <see cref="TokenDropout"/>) no training token is
    /// out of vocabulary, so that embedding never trains: it starts at zero, and unseen words at prediction time read zeros.</summary>
    public int MinTokenCount { get; set; } = 2;

    /// <summary>Rows to validate on each epoch instead of a split of the training rows. Default null.</summary>
    public IDataView? ValidationSet { get; set; }

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        if (string.IsNullOrWhiteSpace(LabelColumnName)) throw Bad(nameof(LabelColumnName), LabelColumnName ?? "null", "a column name");
        if (string.IsNullOrWhiteSpace(FeatureColumnName)) throw Bad(nameof(FeatureColumnName), FeatureColumnName ?? "null", "a column name");
        if (FrameSize < 0) throw Bad(nameof(FrameSize), FrameSize, "0 (tokens) or a positive number of features per step");
        if (!Enum.IsDefined(TextEncoder)) throw Bad(nameof(TextEncoder), TextEncoder, $"one of {string.Join(", ", Enum.GetNames<PretrainedTextEncoder>())}");
        if (TextEncoder != PretrainedTextEncoder.None)
        {
            if (FrameSize != 0) throw Bad(nameof(FrameSize), FrameSize, $"0 with TextEncoder = {TextEncoder} (the encoder's frames are {Text.PretrainedEncoders.Dimensions(TextEncoder)} wide)");
            int maxPositions = Text.PretrainedEncoders.MaxPositions(TextEncoder);
            if (MaxSequenceLength < 2 || MaxSequenceLength > maxPositions)
                throw Bad(nameof(MaxSequenceLength), MaxSequenceLength, $"2 to {maxPositions} WordPiece ids ([CLS] and [SEP] included) with TextEncoder = {TextEncoder}");
        }
        if (!Enum.IsDefined(Pooling)) throw Bad(nameof(Pooling), Pooling, $"one of {string.Join(", ", Enum.GetNames<PoolingKind>())}");
        if (Network is null) throw Bad(nameof(Network), "null", "a RecurrentNetworkOptions");
        Network.Validate(nameof(Network));
        if (!(HeadDropout >= 0 && HeadDropout < 1)) throw Bad(nameof(HeadDropout), HeadDropout, "a value in [0, 1)");
        if (!(InputDropout >= 0 && InputDropout < 1)) throw Bad(nameof(InputDropout), InputDropout, "a value in [0, 1)");
        if (!(TokenDropout >= 0 && TokenDropout < 1)) throw Bad(nameof(TokenDropout), TokenDropout, "a value in [0, 1)");
        if (WeightAveragingEpochs is < 0) throw Bad(nameof(WeightAveragingEpochs), WeightAveragingEpochs, "null (automatic), 0 (none) or a positive number of epochs");
        Positive(EmbeddingSize, nameof(EmbeddingSize));
        if (SubwordBuckets < 0) throw Bad(nameof(SubwordBuckets), SubwordBuckets, "0 (off) or a positive number of buckets");
        Positive(SubwordMinLength, nameof(SubwordMinLength));
        if (SubwordMaxLength < SubwordMinLength) throw Bad(nameof(SubwordMaxLength), SubwordMaxLength, $"at least SubwordMinLength ({SubwordMinLength})");
        if (ProjectionSize < 0) throw Bad(nameof(ProjectionSize), ProjectionSize, "0 (none) or a positive width");
        Positive(AttentionSize, nameof(AttentionSize));
        Positive(MaxSequenceLength, nameof(MaxSequenceLength));
        Positive(MaxVocabularySize, nameof(MaxVocabularySize));
        Positive(MinTokenCount, nameof(MinTokenCount));
    }
}
