using System.Diagnostics;
using Google.Protobuf;
using LstmMlNet.Data;
using LstmMlNet.Onnx;
using LstmMlNet.Onnx.Protobuf;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transforms.Text;

namespace LstmMlNet.Text.MiniLM;

/// <summary>
/// A raw text column turned into MiniLM frames at Fit, the same way the saved model does it: ML.NET's NormalizeText
/// (lowercase, diacritics removed, punctuation and digits kept), then the ONNX front of <see cref="MiniLmFrontGraph"/>
/// over a <see cref="WordPieceTable"/> (<see cref="MiniLmFrontGraph"/>) of the vocabulary's words and the training rows' words. The encoder runs once per
/// row, on ONNX Runtime's CPU provider, with a log line about every 10% of the rows.
/// </summary>
internal sealed class PretrainedTextFeatures : IPretrainedFrameSource
{
    /// <summary>The normalised text column of the fitted model (temporary; also the ONNX graph's text input).</summary>
    public const string NormalizedColumn = TextEncoderGraph.TextInput;

    private readonly InferenceSession session;

    /// <summary>The training rows' normalised texts Fit read for the word table, kept for <see cref="EncodeTraining"/>
    /// (null once it has run).</summary>
    private List<string[]>? trainingTexts;

    private PretrainedTextFeatures(string column, int maxLength, ITransformer normalizer, WordPieceTable table, ModelProto front, List<string[]> trainingTexts)
    {
        this.trainingTexts = trainingTexts;
        Column = column;
        MaxLength = maxLength;
        Normalizer = normalizer;
        Table = table;
        Front = front;
        session = new InferenceSession(front.ToByteArray());
    }

    /// <summary>The raw text column.</summary>
    public string Column { get; }

    /// <summary>Most WordPiece ids per row, [CLS] and [SEP] included.</summary>
    public int MaxLength { get; }

    /// <summary>NormalizeText from <see cref="Column"/> to <see cref="NormalizedColumn"/>: the first step of the saved chain.</summary>
    public ITransformer Normalizer { get; }

    /// <summary>The word table of the fit.</summary>
    public WordPieceTable Table { get; }

    /// <summary>The ONNX front (text → frames), to be composed with the network.</summary>
    public ModelProto Front { get; }

    /// <inheritdoc/>
    public int FrameSize => MiniLmResources.Dimensions;

    /// <inheritdoc/>
    public IEstimator<ITransformer> Preprocess(MLContext ml) => Normalize(ml, Column);

    /// <inheritdoc/>
    public byte[] Compose(byte[] network) => TextEncoderGraph.Compose(Front, network, MiniLmTextEncoder.Description);

    /// <summary>The NormalizeText estimator of the chain (lowercase, diacritics removed, punctuation and digits kept).</summary>
    public static IEstimator<ITransformer> Normalize(MLContext ml, string column) =>
        ml.Transforms.Text.NormalizeText(NormalizedColumn, column, TextNormalizingEstimator.CaseMode.Lower,
            keepDiacritics: false, keepPunctuations: true, keepNumbers: true);

    /// <summary>Checks <paramref name="column"/> (a scalar Text column), reads the training rows' words and builds the
    /// word table and the front.</summary>
    public static PretrainedTextFeatures Fit(MLContext ml, IDataView data, string column, int maxLength, IChannel? log)
    {
        DataViewSchema.Column col = SchemaErrors.Find(data.Schema, "feature", column);
        // A vector of Text would need OnnxTransformer 5.0.1 to feed a string vector, which fails inside it (index out of
        // range), so the column is one text a row: join title and description before the pipeline.
        if (col.Type is not TextDataViewType)
            throw SchemaErrors.Mismatch("feature", column, "a scalar Text column of raw text (TextEncoder = MiniLM tokenises it itself)", col.Type);
        const int count = 1;
        ITransformer normalizer = Normalize(ml, column).Fit(data);
        List<string[]> texts = ReadTexts(normalizer.Transform(data));
        var words = new HashSet<string>(StringComparer.Ordinal);
        using (var tokenizer = new InferenceSession(MiniLmFrontGraph.BasicTokens()))
        {
            foreach (string[] text in texts)
            {
                foreach (string word in BasicTokens(tokenizer, text)) words.Add(word);
            }
        }
        WordPieceTable table = WordPieceTable.Build(words);
        log?.Info(MessageSensitivity.None, $"MiniLM: {texts.Count} training rows, {words.Count} distinct words, word table {table.Words.Length} words");
        ModelProto front = MiniLmFrontGraph.Front(table, maxLength, MiniLmResources.Model, count);
        return new PretrainedTextFeatures(column, maxLength, normalizer, table, front, texts);
    }

    /// <summary>Per-dimension mean of the training frames (null before <see cref="EncodeTraining"/>): the exported
    /// network subtracts it before the recurrent layers.</summary>
    public float[]? FrameMean { get; private set; }

    /// <summary>Per-dimension 1 / standard deviation of the training frames, applied after the mean.</summary>
    public float[]? FrameScale { get; private set; }

    /// <summary>The training rows' frames, standardised per dimension with statistics taken from them
    /// (<see cref="FrameMean"/>, <see cref="FrameScale"/>): MiniLM's hidden state has a few dimensions far larger than
    /// the rest, which would otherwise dominate the recurrent gates. The rows are those <see cref="Fit"/> read (normalised
    /// once per fit); call once.</summary>
    public List<float[]> EncodeTraining(IChannel? log)
    {
        List<string[]> texts = trainingTexts ?? throw new InvalidOperationException("The training frames were already encoded.");
        trainingTexts = null;
        List<float[]> frames = Encode(texts, log);
        int d = MiniLmResources.Dimensions;
        var sum = new double[d];
        var squares = new double[d];
        long steps = 0;
        foreach (float[] row in frames)
        {
            for (int t = 0; t < row.Length; t += d)
            {
                for (int j = 0; j < d; j++)
                {
                    sum[j] += row[t + j];
                    squares[j] += (double)row[t + j] * row[t + j];
                }
            }
            steps += row.Length / d;
        }
        var mean = new float[d];
        var scale = new float[d];
        for (int j = 0; j < d; j++)
        {
            double m = sum[j] / Math.Max(steps, 1);
            double variance = Math.Max(squares[j] / Math.Max(steps, 1) - m * m, 0);
            mean[j] = (float)m;
            scale[j] = (float)(1 / Math.Sqrt(variance + 1e-6));
        }
        foreach (float[] row in frames) Standardize(row, mean, scale);
        FrameMean = mean;
        FrameScale = scale;
        return frames;
    }

    /// <summary>The frames of every row of <paramref name="data"/>'s text column: steps × 384 values, steps = the row's
    /// WordPiece ids with [CLS] and [SEP]; standardised as the training frames were once <see cref="EncodeTraining"/> ran.</summary>
    public List<float[]> Encode(IDataView data, IChannel? log) => Encode(ReadTexts(Normalizer.Transform(data)), log);

    private List<float[]> Encode(List<string[]> texts, IChannel? log)
    {
        var frames = new List<float[]>(texts.Count);
        var clock = Stopwatch.StartNew();
        int step = Math.Max(1, texts.Count / 10);
        long pieces = 0;
        for (int i = 0; i < texts.Count; i++)
        {
            float[] row = EncodeNormalized(texts[i]);
            if (FrameMean is not null) Standardize(row, FrameMean, FrameScale!);
            frames.Add(row);
            pieces += row.Length / MiniLmResources.Dimensions;
            if ((i + 1) % step == 0 || i + 1 == texts.Count)
            {
                log?.Info(MessageSensitivity.None, FormattableString.Invariant(
                    $"MiniLM: encoded {i + 1}/{texts.Count} rows ({pieces} pieces) in {clock.Elapsed.TotalSeconds:F1} s, {(i + 1) / Math.Max(clock.Elapsed.TotalSeconds, 1e-9):F0} rows/s"));
            }
        }
        return frames;
    }

    /// <summary>(x − mean) · scale per dimension, in float as the exported graph computes it.</summary>
    private static void Standardize(float[] row, float[] mean, float[] scale)
    {
        int d = mean.Length;
        for (int i = 0; i < row.Length; i++) row[i] = (row[i] - mean[i % d]) * scale[i % d];
    }

    /// <summary>Raw frames of one row's normalised texts.</summary>
    public float[] EncodeNormalized(string[] text)
    {
        using var results = session.Run(Input(text), new[] { TextEncoderGraph.FramesOutput });
        return results[0].AsTensor<float>().ToArray();
    }

    /// <summary>The WordPiece ids the front feeds the encoder for one row's normalised texts ([CLS] … [SEP]).</summary>
    public long[] Ids(params string[] text)
    {
        using var results = session.Run(Input(text), new[] { MiniLmFrontGraph.IdsOutput });
        return results[0].AsTensor<long>().ToArray();
    }

    /// <summary>The texts of <see cref="NormalizedColumn"/>, one array a row (one text for a scalar column).</summary>
    public static List<string[]> ReadTexts(IDataView normalized)
    {
        var texts = new List<string[]>();
        DataViewSchema.Column col = normalized.Schema[NormalizedColumn];
        using DataViewRowCursor cursor = normalized.GetRowCursor(new[] { col });
        if (col.Type is TextDataViewType)
        {
            ValueGetter<ReadOnlyMemory<char>> get = cursor.GetGetter<ReadOnlyMemory<char>>(col);
            ReadOnlyMemory<char> value = default;
            while (cursor.MoveNext())
            {
                get(ref value);
                texts.Add(new[] { value.ToString() });
            }
            return texts;
        }
        ValueGetter<VBuffer<ReadOnlyMemory<char>>> getVector = cursor.GetGetter<VBuffer<ReadOnlyMemory<char>>>(col);
        VBuffer<ReadOnlyMemory<char>> vector = default;
        while (cursor.MoveNext())
        {
            getVector(ref vector);
            texts.Add(vector.DenseValues().Select(v => v.ToString()).ToArray());
        }
        return texts;
    }

    /// <summary>The basic tokens ONNX Runtime's Tokenizer finds in one row's normalised texts, in order.</summary>
    public static string[] BasicTokens(InferenceSession tokenizer, string[] text)
    {
        using var results = tokenizer.Run(Input(text));
        return results[0].AsTensor<string>().ToArray().Where(t => t != MiniLmFrontGraph.Pad).ToArray();
    }

    private static NamedOnnxValue[] Input(string[] text) =>
        new[] { NamedOnnxValue.CreateFromTensor(TextEncoderGraph.TextInput, new DenseTensor<string>(text.ToArray(), new[] { 1, text.Length })) };

    /// <inheritdoc/>
    public void Dispose() => session.Dispose();
}
