using System.Text;
using Google.Protobuf;
using LstmMlNet.Onnx;
using LstmMlNet.Onnx.Protobuf;
using static LstmMlNet.Onnx.OnnxGraphBuilder;
using DataType = LstmMlNet.Onnx.Protobuf.TensorProto.Types.DataType;

namespace LstmMlNet.Text.MiniLM;

/// <summary>
/// BERT's WordPiece as ONNX nodes that ONNX Runtime runs with its built-in operators at the default domain's opset 17
/// (no string concatenation needed): the word's characters (com.microsoft Tokenizer, one code point each, the characters
/// BertTokenizer's normaliser removes left out) → character ids (ai.onnx.ml LabelEncoder over the vocabulary's
/// alphabet) → at every start position a walk of at most <see cref="MaxPieceLength"/> steps through a trie of the
/// vocabulary (word-initial pieces from the start of the word, "##" pieces elsewhere; a LabelEncoder over
/// node·radix + character) that keeps the longest piece found → the greedy longest-match-first path from position 0,
/// found by doubling the jump table (the path's position after t steps for every t at once) → the pieces on the path, or
/// [UNK] alone when the path stops before the word's end or the word has more than <see cref="MaxInputCharsPerWord"/>
/// characters. Microsoft.ML.Tokenizers' WordPieceTokenizer gives the same ids: its words hold no character outside
/// the Basic Multilingual Plane (the basic tokens of <see cref="MiniLmFrontGraph.TokenExpression"/> leave them out, as
/// its pre-tokeniser does), so code points and its UTF-16 characters count alike.
/// </summary>
internal sealed class WordPieceGraph
{
    /// <summary>BERT's max_input_chars_per_word (WordPieceOptions.MaxInputCharsPerWord's default): a longer word is [UNK].</summary>
    public const int MaxInputCharsPerWord = 100;

    /// <summary>The characters of a word WordPiece reads: any one code point except those BertTokenizer's normaliser
    /// removes (control characters, U+FFFD, non-spacing and spacing combining marks), which the basic tokens may hold
    /// (<see cref="MiniLmFrontGraph.TokenExpression"/> keeps a word whole across them).</summary>
    public const string CharacterExpression = @"[^\p{Cc}\p{Mn}\p{Mc}\x{FFFD}]";

    /// <summary>Doublings of the jump table: 2^7 = 128 steps cover a path of at most 100 pieces.</summary>
    private const int Levels = 7;

    private const long Dead = 0;
    private const long WordRoot = 1;
    private const long ContinuationRoot = 2;

    private WordPieceGraph(string[] alphabet, long[][] keys, long[][] children, int[] terminal, int maxPieceLength)
    {
        Alphabet = alphabet;
        Keys = keys;
        Children = children;
        Terminal = terminal;
        MaxPieceLength = maxPieceLength;
    }

    /// <summary>The characters of the vocabulary's pieces ("##" removed); character id = index + 1 (0: any other).</summary>
    public string[] Alphabet { get; }

    /// <summary>The trie's edges by depth (Keys[d] leave the nodes d characters deep, so the walk's step d + 1 looks them
    /// up and each edge is stored once): key node · <see cref="Radix"/> + character id.</summary>
    public long[][] Keys { get; }

    /// <summary>The node each edge of <see cref="Keys"/> leads to.</summary>
    public long[][] Children { get; }

    /// <summary>Per trie node, the id of the piece it spells, or −1 (node 0 is the dead state, 1 the root of word-initial
    /// pieces, 2 the root of "##" pieces).</summary>
    public int[] Terminal { get; }

    /// <summary>Longest piece of the vocabulary in characters ("##" not counted): the walks' length.</summary>
    public int MaxPieceLength { get; }

    /// <summary>Character ids run 1 … alphabet size; a node's edges are node · Radix + id.</summary>
    public long Radix => Alphabet.Length + 1L;

    /// <summary>The trie of every piece of a vocab.txt (one piece a line, the line number its id).</summary>
    public static WordPieceGraph Build(byte[] vocabulary)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        var pieces = new List<(bool Continuation, int[] CodePoints, int Id)>();
        var alphabet = new SortedSet<int>();
        string[] lines = Encoding.UTF8.GetString(vocabulary).Split('\n');
        for (int id = 0; id < lines.Length; id++)
        {
            string line = lines[id].TrimEnd('\r');
            bool continuation = line.StartsWith("##", StringComparison.Ordinal);
            string piece = continuation ? line[2..] : line;
            if (piece.Length == 0) continue;
            int[] codePoints = CodePoints(piece);
            pieces.Add((continuation, codePoints, id));
            alphabet.UnionWith(codePoints);
        }
        var characterIds = new Dictionary<int, long>();
        foreach (int c in alphabet) characterIds.Add(c, characterIds.Count + 1);
        long radix = characterIds.Count + 1L;
        var edges = new Dictionary<long, long>();
        var depths = new Dictionary<long, int>();
        var terminal = new List<int> { -1, -1, -1 };
        int longest = 1;
        foreach ((bool continuation, int[] codePoints, int id) in pieces)
        {
            long node = continuation ? ContinuationRoot : WordRoot;
            for (int depth = 0; depth < codePoints.Length; depth++)
            {
                long key = node * radix + characterIds[codePoints[depth]];
                if (!edges.TryGetValue(key, out long child))
                {
                    child = terminal.Count;
                    terminal.Add(-1);
                    edges.Add(key, child);
                    depths.Add(key, depth);
                }
                node = child;
            }
            // A piece listed twice keeps its first id, as a dictionary filled line by line and never overwritten would.
            if (terminal[(int)node] < 0) terminal[(int)node] = id;
            longest = Math.Max(longest, codePoints.Length);
        }
        var byDepth = edges.GroupBy(e => depths[e.Key]).OrderBy(d => d.Key).Select(d => d.OrderBy(e => e.Key).ToArray()).ToArray();
        return new WordPieceGraph(alphabet.Select(char.ConvertFromUtf32).ToArray(),
            byDepth.Select(d => d.Select(e => e.Key).ToArray()).ToArray(), byDepth.Select(d => d.Select(e => e.Value).ToArray()).ToArray(),
            terminal.ToArray(), longest);
    }

    /// <summary>Adds the nodes that turn <paramref name="words"/> (string [W], W ≥ 1) into their piece ids, int64 [W, S]
    /// padded with −1, S = min(longest word, <see cref="MaxInputCharsPerWord"/>) (a word that becomes nothing, e.g. only
    /// combining marks, gives no id); <paramref name="pad"/> is the Tokenizer's padding value, which no character equals.</summary>
    public string Add(OnnxGraphBuilder g, string words, string pad)
    {
        // Characters [W, L] → ids: −1 the padding, 0 a character in no piece, else 1 … alphabet size.
        string chars = Domain(g, "Tokenizer", "com.microsoft", words, "chars",
            Attribute("tokenexp", CharacterExpression), Attribute("mark", 0L), Attribute("mincharnum", 1L), Attribute("pad_value", pad));
        string coded = Domain(g, "LabelEncoder", "ai.onnx.ml", chars, "char_ids",
            Attribute("keys_strings", Alphabet.Append(pad).ToArray()),
            Attribute("values_int64s", Enumerable.Range(1, Alphabet.Length).Select(i => (long)i).Append(-1L).ToArray()),
            Attribute("default_int64", 0L));
        string zero = g.Int64s("zero", new[] { 0L }, scalar: true);
        string one = g.Int64s("one", new[] { 1L }, scalar: true);
        string minusOne = g.Int64s("minus_one", new[] { -1L }, scalar: true);
        string axis1 = g.Int64s("axis1", new[] { 1L });
        string present = g.Node("Cast", new[] { g.Node("GreaterOrEqual", new[] { coded, zero }) }, null, Attribute("to", (long)DataType.Int64));
        string length = g.Node("ReduceSum", new[] { present, axis1 }, null, Attribute("keepdims", 1L));          // [W, 1]
        string ids = g.Node("Max", new[] { coded, zero });
        string width = g.Node("Shape", new[] { chars }, null, Attribute("start", 1L), Attribute("end", 2L));   // [1] = L
        string widthScalar = g.Node("Squeeze", new[] { width });
        string positions = g.Node("Range", new[] { zero, widthScalar, one });                                   // [L]

        // At each start position, walk the trie (word-initial pieces at position 0, "##" pieces elsewhere) for up to
        // MaxPieceLength characters; the last piece met is the longest match from there.
        string padded = g.Node("Pad", new[] { ids, g.Int64s("pads", new[] { 0L, 0L, 0L, (long)MaxPieceLength }), zero });
        string node = g.Node("Where", new[] {
            g.Node("Equal", new[] { positions, zero }), g.Int64s("word_root", new[] { WordRoot }, scalar: true), g.Int64s("continuation_root", new[] { ContinuationRoot }, scalar: true) });
        string radix = g.Int64s("radix", new[] { Radix }, scalar: true);
        string terminal = Int32s(g, "terminal", Terminal);
        string bestLength = g.Node("Mul", new[] { ids, zero });
        string bestId = g.Node("Add", new[] { bestLength, minusOne });
        for (int k = 1; k <= MaxPieceLength; k++)
        {
            string column = g.Node("Slice", new[] { padded, g.Int64s("start", new[] { k - 1L }), g.Node("Add", new[] { width, g.Int64s("shift", new[] { k - 1L }) }), axis1 });
            string key = g.Node("Add", new[] { g.Node("Mul", new[] { node, radix }), column });
            node = Domain(g, "LabelEncoder", "ai.onnx.ml", key, "trie_node",
                Attribute("keys_int64s", Keys[k - 1]), Attribute("values_int64s", Children[k - 1]), Attribute("default_int64", Dead));
            string piece = g.Node("Cast", new[] { g.Node("Gather", new[] { terminal, node }) }, null, Attribute("to", (long)DataType.Int64));
            string found = g.Node("GreaterOrEqual", new[] { piece, zero });
            bestLength = g.Node("Where", new[] { found, g.Int64s("length", new[] { (long)k }, scalar: true), bestLength });
            bestId = g.Node("Where", new[] { found, piece, bestId });
        }

        // next[i] = i + the longest match at i (i itself where none: the path stops there); next[L] = L.
        string next = g.Node("Pad", new[] { g.Node("Add", new[] { positions, bestLength }), g.Int64s("pads", new[] { 0L, 0L, 0L, 1L }), widthScalar });
        var jumps = new string[Levels + 1];
        jumps[0] = next;
        for (int b = 1; b <= Levels; b++) jumps[b] = g.Node("GatherElements", new[] { jumps[b - 1], jumps[b - 1] }, null, Attribute("axis", 1L));
        // The path's end after 128 steps: short of the word's end means a position no piece starts at.
        string end = g.Node("Slice", new[] { jumps[Levels], g.Int64s("start", new[] { 0L }), g.Int64s("end", new[] { 1L }), axis1 });   // [W, 1]

        // The position after t steps, t = 0 … S − 1, composed from the jump tables of t's binary digits.
        string steps = g.Node("Min", new[] { width, g.Int64s("max_chars", new[] { (long)MaxInputCharsPerWord }) });             // [1] = S
        string rows = g.Node("Shape", new[] { chars }, null, Attribute("start", 0L), Attribute("end", 1L));
        string position = g.Node("Expand", new[] { zero, g.Node("Concat", new[] { rows, steps }, null, Attribute("axis", 0L)) });   // [W, S]
        string first = g.Int64s("start", new[] { 0L });
        string axis0 = g.Int64s("axis0", new[] { 0L });
        for (int b = 0; b < Levels; b++)
        {
            var bit = new bool[MaxInputCharsPerWord];
            for (int t = 0; t < bit.Length; t++) bit[t] = ((t >> b) & 1) == 1;
            string mask = g.Node("Slice", new[] { Bools(g, "bit", bit), first, steps, axis0 });
            position = g.Node("Where", new[] { mask, g.Node("GatherElements", new[] { jumps[b], position }, null, Attribute("axis", 1L)), position });
        }
        string bestIds = g.Node("Pad", new[] { bestId, g.Int64s("pads", new[] { 0L, 0L, 0L, 1L }), minusOne });
        string pieceIds = g.Node("Where", new[] {
            g.Node("Less", new[] { position, length }),
            g.Node("GatherElements", new[] { bestIds, position }, null, Attribute("axis", 1L)),
            minusOne });
        var unknownRow = new long[MaxInputCharsPerWord];
        Array.Fill(unknownRow, -1L);
        unknownRow[0] = WordPieceTable.UnknownId;
        string unknown = g.Node("Slice", new[] { g.Int64s("unknown_row", unknownRow), first, steps, axis0 });
        string bad = g.Node("Or", new[] {
            g.Node("Less", new[] { end, length }),
            g.Node("Greater", new[] { length, g.Int64s("max_chars", new[] { (long)MaxInputCharsPerWord }, scalar: true) }) });
        return g.Node("Where", new[] { bad, unknown, pieceIds });
    }

    /// <summary>A node of an operator outside the default domain: one input, one output named fresh from
    /// <paramref name="outputPrefix"/>.</summary>
    internal static string Domain(OnnxGraphBuilder g, string opType, string domain, string input, string outputPrefix, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Domain = domain, Name = g.Fresh("node_" + opType) };
        node.Input.Add(input);
        string output = g.Fresh(outputPrefix);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        g.Graph.Node.Add(node);
        return output;
    }

    /// <summary>An int32 vector constant, as raw little-endian bytes (−1 would take 10 bytes as a varint).</summary>
    internal static string Int32s(OnnxGraphBuilder g, string prefix, int[] values, params long[] dims)
    {
        string name = g.Fresh(prefix);
        var tensor = new TensorProto { Name = name, DataType = (int)DataType.Int32 };
        tensor.Dims.AddRange(dims.Length == 0 ? new[] { (long)values.Length } : dims);
        var bytes = new byte[values.Length * sizeof(int)];
        for (int i = 0; i < values.Length; i++) System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(i * sizeof(int)), values[i]);
        tensor.RawData = ByteString.CopyFrom(bytes);
        g.Graph.Initializer.Add(tensor);
        return name;
    }

    private static string Bools(OnnxGraphBuilder g, string prefix, bool[] values)
    {
        string name = g.Fresh(prefix);
        var tensor = new TensorProto { Name = name, DataType = (int)DataType.Bool };
        tensor.Dims.Add(values.Length);
        tensor.RawData = ByteString.CopyFrom(values.Select(v => v ? (byte)1 : (byte)0).ToArray());
        g.Graph.Initializer.Add(tensor);
        return name;
    }

    private static int[] CodePoints(string s)
    {
        var result = new List<int>(s.Length);
        for (int i = 0; i < s.Length; i += char.IsSurrogatePair(s, i) ? 2 : 1) result.Add(char.ConvertToUtf32(s, i));
        return result.ToArray();
    }
}
