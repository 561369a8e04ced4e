using Google.Protobuf;
using LstmMlNet.Onnx;
using LstmMlNet.Onnx.Protobuf;
using static LstmMlNet.Onnx.OnnxGraphBuilder;
using static LstmMlNet.Onnx.TextEncoderGraph;
using DataType = LstmMlNet.Onnx.Protobuf.TensorProto.Types.DataType;

namespace LstmMlNet.Text.MiniLM;

/// <summary>
/// The text front of a model on MiniLM, as ONNX with ONNX Runtime's built-in operators only (no custom-op
/// library): normalised text [1, 1] (lowercased, accents removed by ML.NET's NormalizeText before the graph) →
/// basic tokens (ONNX Runtime's com.microsoft Tokenizer with a regular expression: runs of letters and digits, each
/// punctuation mark and each CJK ideograph alone, as BERT's basic tokenizer splits) → WordPiece ids (ai.onnx.ml
/// LabelEncoder word → row of the <see cref="WordPieceTable"/>, Gather, padding dropped) → [CLS] ids [SEP], at most
/// MaxLength ids → the MiniLM encoder (its graph, names prefixed) → last_hidden_state reshaped to frames [1, steps·384].
/// <see cref="TextEncoderGraph.Compose"/> puts a network exported on frames behind it, so the saved model is one ONNX graph.
/// </summary>
internal static class MiniLmFrontGraph
{
    /// <summary>A second output of the front: the ids fed to the encoder, int64 [1, steps].</summary>
    public const string IdsOutput = "LstmMlNet.WordPieceIds";

    /// <summary>The output of <see cref="BasicTokens"/>: string [1, C + 1, T], padded with <see cref="Pad"/>.</summary>
    public const string TokensOutput = "LstmMlNet.BasicTokens";

    /// <summary>The Tokenizer's padding value (U+0001, a control character, which no token holds); it maps to no piece.</summary>
    public const string Pad = "\u0001";

    private const string EncoderPrefix = "minilm/";

    /// <summary>ASCII symbols and Unicode punctuation (BERT's _is_punctuation), as a regular-expression class body.</summary>
    private const string Punctuation = @"!-/:-@\[-`{-~\p{P}";

    /// <summary>BERT's CJK ideograph ranges (_is_chinese_char), as a class body.</summary>
    private const string Cjk = @"\x{4E00}-\x{9FFF}\x{3400}-\x{4DBF}\x{20000}-\x{2A6DF}\x{2A700}-\x{2B73F}\x{2B740}-\x{2B81F}\x{2B820}-\x{2CEAF}\x{F900}-\x{FAFF}\x{2F800}-\x{2FA1F}";

    /// <summary>The basic tokens: a run of characters that are not white space, control, punctuation or CJK; or one
    /// punctuation mark; or one CJK ideograph (RE2 syntax, as ONNX Runtime's Tokenizer reads it).</summary>
    public const string TokenExpression = $@"[^\s\p{{Cc}}\p{{Cf}}{Punctuation}{Cjk}]+|[{Punctuation}]|[{Cjk}]";

    /// <summary>A graph that only splits normalised text into basic tokens (<see cref="TokensOutput"/>), for reading the
    /// training rows' words at Fit with the same operator the saved model runs.</summary>
    public static byte[] BasicTokens()
    {
        var g = new OnnxGraphBuilder("LstmMlNet.BasicTokens");
        string text = g.Reserve(TextInput);
        string tokens = Tokens(g, text);
        g.Node("Identity", new[] { tokens }, g.Reserve(TokensOutput));
        g.Graph.Input.Add(Value(text, DataType.String, 1L, "C"));
        g.Graph.Output.Add(Value(TokensOutput, DataType.String, 1L, "C1", "T"));
        return Model(g.Graph).ToByteArray();
    }

    /// <summary>The whole front: <paramref name="texts"/> texts a row → frames (and the ids), over <paramref name="table"/>
    /// with at most <paramref name="maxLength"/> ids per row ([CLS] and [SEP] included). The input is declared [1, texts]:
    /// OnnxTransformer 5.0.1 fails on a text vector fed to an input with a symbolic dimension.</summary>
    public static ModelProto Front(WordPieceTable table, int maxLength, byte[] encoder, int texts)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(texts);
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(encoder);
        if (maxLength < 2 || maxLength > MiniLmResources.MaxPositions)
            throw new ArgumentOutOfRangeException(nameof(maxLength), maxLength, $"Between 2 and {MiniLmResources.MaxPositions} ids ([CLS] and [SEP] included).");
        var g = new OnnxGraphBuilder("LstmMlNet.TextEncoder");
        string text = g.Reserve(TextInput);
        string tokens = g.Node("Reshape", new[] { Tokens(g, text), g.Int64s("flat", new[] { -1L }) });

        // Word → table row (unknown words → the [UNK] row after the last word; the Tokenizer's padding → an empty row)
        // → its pieces, the matrix's padding (-1) dropped.
        int rows = table.Words.Length;
        string row = DomainNode(g, "LabelEncoder", "ai.onnx.ml", tokens, "row",
            Attribute("keys_strings", table.Words.Append(Pad).ToArray()),
            Attribute("values_int64s", Enumerable.Range(0, rows).Select(i => (long)i).Append(rows + 1L).ToArray()),
            Attribute("default_int64", (long)rows));
        int width = table.Width;
        var matrix = new int[(rows + 2) * width];
        Array.Fill(matrix, -1);
        for (int r = 0; r < rows; r++) table.Pieces[r].CopyTo(matrix, r * width);
        matrix[rows * width] = WordPieceTable.UnknownId;
        string pieces = g.Node("Reshape", new[] { g.Node("Gather", new[] { Int32s(g, "word_pieces", matrix, rows + 2, width), row }), g.Int64s("flat", new[] { -1L }) });
        string kept = g.Node("Compress", new[] { pieces, g.Node("GreaterOrEqual", new[] { pieces, Int32Scalar(g, "zero", 0) }) }, null, Attribute("axis", 0L));
        string cut = g.Node("Slice", new[] { kept, g.Int64s("start", new[] { 0L }), g.Int64s("end", new[] { (long)maxLength - 2 }), g.Int64s("axis", new[] { 0L }) });
        string ids = g.Node("Cast", new[] { cut }, null, Attribute("to", (long)DataType.Int64));
        ids = g.Node("Concat", new[] { g.Int64s("cls", new[] { (long)WordPieceTable.ClsId }), ids, g.Int64s("sep", new[] { (long)WordPieceTable.SepId }) }, null, Attribute("axis", 0L));
        string inputIds = g.Node("Unsqueeze", new[] { ids, g.Int64s("axis", new[] { 0L }) });
        string zeros = g.Node("Mul", new[] { inputIds, g.Int64s("zero", new[] { 0L }, scalar: true) });
        string ones = g.Node("Add", new[] { zeros, g.Int64s("one", new[] { 1L }, scalar: true) });
        g.Node("Identity", new[] { inputIds }, g.Reserve(IdsOutput));

        // The encoder's graph, every name prefixed, fed by the values above.
        ModelProto miniLm = ModelProto.Parser.ParseFrom(encoder);
        GraphProto e = miniLm.Graph;
        Prefix(e, EncoderPrefix);
        g.Node("Identity", new[] { inputIds }, EncoderPrefix + "input_ids");
        g.Node("Identity", new[] { ones }, EncoderPrefix + "attention_mask");
        g.Node("Identity", new[] { zeros }, EncoderPrefix + "token_type_ids");
        g.Graph.Node.AddRange(e.Node);
        g.Graph.Initializer.AddRange(e.Initializer);
        string hidden = EncoderPrefix + "last_hidden_state";
        g.Node("Reshape", new[] { hidden, g.Int64s("one_row", new[] { 1L, -1L }) }, g.Reserve(FramesOutput));

        g.Graph.Input.Add(Value(text, DataType.String, 1L, (long)texts));
        g.Graph.Output.Add(Value(FramesOutput, DataType.Float, 1L, "N"));
        g.Graph.Output.Add(Value(IdsOutput, DataType.Int64, 1L, "steps"));
        return Model(g.Graph);
    }

    private static string Tokens(OnnxGraphBuilder g, string text)
    {
        // One empty text after the row's texts: an empty vector (C = 0) still gives the Tokenizer a valid [1, 1] input.
        var empty = new TensorProto { Name = g.Fresh("empty_text"), DataType = (int)DataType.String };
        empty.Dims.AddRange(new[] { 1L, 1L });
        empty.StringData.Add(ByteString.Empty);
        g.Graph.Initializer.Add(empty);
        text = g.Node("Concat", new[] { text, empty.Name }, null, Attribute("axis", 1L));
        return DomainNode(g, "Tokenizer", "com.microsoft", text, "tokens",
            Attribute("tokenexp", TokenExpression), Attribute("mark", 0L), Attribute("mincharnum", 1L), Attribute("pad_value", Pad));
    }

    /// <summary>A node of an operator outside the default domain (<see cref="OnnxGraphBuilder.Node"/> makes only those of the
    /// default one): one input, one output named fresh from <paramref name="outputPrefix"/>.</summary>
    private static string DomainNode(OnnxGraphBuilder g, string opType, string domain, string input, string outputPrefix, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Domain = domain, Name = g.Fresh("node_" + opType) };
        node.Input.Add(input);
        string output = g.Fresh(outputPrefix);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        g.Graph.Node.Add(node);
        return output;
    }

    private static string Int32s(OnnxGraphBuilder g, string prefix, int[] values, params long[] dims)
    {
        string name = g.Fresh(prefix);
        var tensor = new TensorProto { Name = name, DataType = (int)DataType.Int32 };
        tensor.Dims.AddRange(dims);
        // Raw little-endian bytes: the padding -1 would take 10 bytes each as a varint in int32_data.
        var bytes = new byte[values.Length * sizeof(int)];
        for (int i = 0; i < values.Length; i++) System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(i * sizeof(int)), values[i]);
        tensor.RawData = ByteString.CopyFrom(bytes);
        g.Graph.Initializer.Add(tensor);
        return name;
    }

    private static string Int32Scalar(OnnxGraphBuilder g, string prefix, int value)
    {
        string name = g.Fresh(prefix);
        var tensor = new TensorProto { Name = name, DataType = (int)DataType.Int32 };
        tensor.Int32Data.Add(value);
        g.Graph.Initializer.Add(tensor);
        return name;
    }
}
