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
/// basic tokens (ONNX Runtime's com.microsoft Tokenizer with the regular expression <see cref="TokenExpression"/>, the
/// words of Microsoft.ML.Tokenizers' BertTokenizer) → WordPiece ids: a word of the <see cref="WordPieceTable"/> (ai.onnx.ml
/// LabelEncoder word → row, Gather) reads its row, any other word goes through <see cref="WordPieceGraph"/>'s greedy
/// longest match, so every word gets BertTokenizer's ids → [CLS] ids [SEP], at most MaxLength ids → the MiniLM encoder (its graph, names prefixed) → last_hidden_state reshaped to frames [1, steps·384].
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

    /// <summary>What Microsoft.ML.Tokenizers' BertTokenizer never puts in a word (its pre-tokeniser's words are runs of
    /// .NET's \w: letters, non-spacing marks, decimal digits, connector punctuation), as the body of a negated class:
    /// every other category, code points outside the Basic Multilingual Plane (.NET's regular expressions see their
    /// surrogates, which are neither \w nor punctuation), and the CJK ideographs, which stand alone.</summary>
    private const string NotWord = @"\p{Mc}\p{Me}\p{Nl}\p{No}\p{Pd}\p{Ps}\p{Pe}\p{Pi}\p{Pf}\p{Po}\p{S}\p{Z}\p{C}\x{10000}-\x{10FFFF}" + Cjk;

    /// <summary>What BertTokenizer's normaliser removes before it splits the text (control characters, U+FFFD, spacing
    /// combining marks; non-spacing marks are word characters here and removed too): a word runs on across them, and
    /// <see cref="WordPieceGraph.CharacterExpression"/> leaves them out of its characters.</summary>
    private const string Removed = @"\p{Cc}\p{Mc}\x{FFFD}";

    /// <summary>The CJK ideographs of the Basic Multilingual Plane that BertTokenizer's normaliser puts spaces around
    /// (its IsChineseChar: above U+3400).</summary>
    private const string Cjk = @"\x{3401}-\x{4DBF}\x{4E00}-\x{9FFF}\x{F900}-\x{FAFF}";

    /// <summary>The basic tokens, as BertTokenizer's normaliser and pre-tokeniser (\w+|\p{P}) make them from text that is
    /// already lowercased with accents removed: a run of word characters, across removed characters; or one CJK
    /// ideograph; or one punctuation mark (connector punctuation belongs to words). Symbols ($, +, emoji, …), other
    /// numbers (½, ²) and white space separate and vanish. RE2 syntax, as ONNX Runtime's Tokenizer reads it.</summary>
    public const string TokenExpression = $@"[^{NotWord}](?:[^{NotWord}]|[{Removed}])*|[{Cjk}]|[^\P{{P}}\p{{Pc}}\x{{10000}}-\x{{10FFFF}}]";

    private static readonly Lazy<WordPieceGraph> Pieces = new(() => WordPieceGraph.Build(MiniLmResources.Vocabulary));

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

        // Word → table row (a word outside the table → the row after the last word; the Tokenizer's padding → an empty
        // row) → its pieces.
        int rows = table.Words.Length;
        string row = Domain(g, "LabelEncoder", "ai.onnx.ml", tokens, "row",
            Attribute("keys_strings", table.Words.Append(Pad).ToArray()),
            Attribute("values_int64s", Enumerable.Range(0, rows).Select(i => (long)i).Append(rows + 1L).ToArray()),
            Attribute("default_int64", (long)rows));
        int width = table.Width;
        var matrix = new int[(rows + 2) * width];
        Array.Fill(matrix, -1);
        for (int r = 0; r < rows; r++) table.Pieces[r].CopyTo(matrix, r * width);
        string known = g.Node("Cast", new[] { g.Node("Gather", new[] { Int32s(g, "word_pieces", matrix, rows + 2, width), row }) }, null, Attribute("to", (long)DataType.Int64));

        // Words outside the table → WordPiece in the graph (one word more, so the Tokenizer never sees an empty input).
        string outside = g.Node("Equal", new[] { row, g.Int64s("unknown_row", new[] { (long)rows }, scalar: true) });
        string which = g.Node("Reshape", new[] { g.Node("NonZero", new[] { outside }), g.Int64s("flat", new[] { -1L }) });
        string words = g.Node("Concat", new[] { g.Node("Gather", new[] { tokens, which }), Strings(g, "spare_word", "a") }, null, Attribute("axis", 0L));
        string split = Pieces.Value.Add(g, words, Pad);

        // One [words, columns] matrix: the table's rows, then the graph's, both padded with −1 to the wider; row t of the
        // text reads its table row, or the graph's row for the k-th word outside the table.
        string zero = g.Int64s("zero", new[] { 0L }, scalar: true);
        string knownWidth = g.Node("Shape", new[] { known }, null, Attribute("start", 1L), Attribute("end", 2L));
        string splitWidth = g.Node("Shape", new[] { split }, null, Attribute("start", 1L), Attribute("end", 2L));
        string columns = g.Node("Max", new[] { knownWidth, splitWidth });
        string three = g.Int64s("pads", new[] { 0L, 0L, 0L });
        string minusOne = g.Int64s("minus_one", new[] { -1L }, scalar: true);
        string knownPadded = g.Node("Pad", new[] { known, g.Node("Concat", new[] { three, g.Node("Sub", new[] { columns, knownWidth }) }, null, Attribute("axis", 0L)), minusOne });
        string splitPadded = g.Node("Pad", new[] { split, g.Node("Concat", new[] { three, g.Node("Sub", new[] { columns, splitWidth }) }, null, Attribute("axis", 0L)), minusOne });
        string all = g.Node("Concat", new[] { knownPadded, splitPadded }, null, Attribute("axis", 0L));
        string count = g.Node("Squeeze", new[] { g.Node("Shape", new[] { tokens }) });
        string outsideIds = g.Node("Cast", new[] { outside }, null, Attribute("to", (long)DataType.Int64));
        string rank = g.Node("Sub", new[] { g.Node("CumSum", new[] { outsideIds, zero }), g.Int64s("one", new[] { 1L }, scalar: true) });
        string source = g.Node("Where", new[] { outside, g.Node("Add", new[] { rank, count }), g.Node("Range", new[] { zero, count, g.Int64s("one", new[] { 1L }, scalar: true) }) });
        string pieces = g.Node("Reshape", new[] { g.Node("Gather", new[] { all, source }), g.Int64s("flat", new[] { -1L }) });
        string kept = g.Node("Compress", new[] { pieces, g.Node("GreaterOrEqual", new[] { pieces, zero }) }, null, Attribute("axis", 0L));
        string cut = g.Node("Slice", new[] { kept, g.Int64s("start", new[] { 0L }), g.Int64s("end", new[] { (long)maxLength - 2 }), g.Int64s("axis", new[] { 0L }) });
        string ids = g.Node("Concat", new[] { g.Int64s("cls", new[] { (long)WordPieceTable.ClsId }), cut, g.Int64s("sep", new[] { (long)WordPieceTable.SepId }) }, null, Attribute("axis", 0L));
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
        return Domain(g, "Tokenizer", "com.microsoft", text, "tokens",
            Attribute("tokenexp", TokenExpression), Attribute("mark", 0L), Attribute("mincharnum", 1L), Attribute("pad_value", Pad));
    }

    private static string Domain(OnnxGraphBuilder g, string opType, string domain, string input, string outputPrefix, params AttributeProto[] attributes) =>
        WordPieceGraph.Domain(g, opType, domain, input, outputPrefix, attributes);

    private static string Int32s(OnnxGraphBuilder g, string prefix, int[] values, params long[] dims) => WordPieceGraph.Int32s(g, prefix, values, dims);

    private static string Strings(OnnxGraphBuilder g, string prefix, params string[] values)
    {
        var tensor = new TensorProto { Name = g.Fresh(prefix), DataType = (int)DataType.String };
        tensor.Dims.Add(values.Length);
        tensor.StringData.AddRange(values.Select(ByteString.CopyFromUtf8));
        g.Graph.Initializer.Add(tensor);
        return tensor.Name;
    }
}
