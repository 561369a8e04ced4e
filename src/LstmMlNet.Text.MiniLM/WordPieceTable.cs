using System.Text;
using Microsoft.ML.Tokenizers;

namespace LstmMlNet.Text.MiniLM;

/// <summary>
/// The saved model's fast path to WordPiece ids: basic tokens (<see cref="MiniLmFrontGraph.TokenExpression"/>) mapped to
/// the ids that Microsoft.ML.Tokenizers' <see cref="BertTokenizer"/> gives them. The keys are the vocabulary's whole
/// words (pieces not starting with "##") and the basic tokens of the training rows, except words of more than
/// <see cref="MaxPiecesPerWord"/> pieces; every other word goes through the graph's WordPiece
/// (<see cref="WordPieceGraph"/>), which gives the same ids. The table is a LabelEncoder (word → row) and a padded
/// [rows, pieces] int32 matrix in the ONNX graph.
/// </summary>
internal sealed class WordPieceTable
{
    /// <summary>Id of [UNK] in the BERT uncased vocabulary.</summary>
    public const int UnknownId = 100;

    /// <summary>Id of [CLS], the first token of every sequence.</summary>
    public const int ClsId = 101;

    /// <summary>Id of [SEP], the last token of every sequence.</summary>
    public const int SepId = 102;

    /// <summary>Most pieces of a word in the table (the matrix's width at most): a word of more pieces is left to the
    /// graph's WordPiece.</summary>
    public const int MaxPiecesPerWord = 16;

    private WordPieceTable(string[] words, int[][] pieces)
    {
        Words = words;
        Pieces = pieces;
    }

    /// <summary>The keys, in row order; the row after the last is [UNK].</summary>
    public string[] Words { get; }

    /// <summary>Each word's piece ids (at most <see cref="MaxPiecesPerWord"/>; none for a word BertTokenizer drops).</summary>
    public int[][] Pieces { get; }

    /// <summary>Longest piece list of the table (the padded matrix's width; at least 1).</summary>
    public int Width => Math.Max(1, Pieces.Max(p => p.Length));

    /// <summary>The BERT tokenizer over MiniLM's vocab.txt (lowercasing, accent stripping, basic tokenisation, WordPiece).</summary>
    public static BertTokenizer CreateTokenizer()
    {
        using var vocabulary = new MemoryStream(MiniLmResources.Vocabulary, writable: false);
        return BertTokenizer.Create(vocabulary, new BertOptions { LowerCaseBeforeTokenization = true, RemoveNonSpacingMarks = true });
    }

    /// <summary>Builds the table over the vocabulary's whole words and <paramref name="trainingWords"/>.</summary>
    public static WordPieceTable Build(IEnumerable<string> trainingWords)
    {
        BertTokenizer tokenizer = CreateTokenizer();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (string line in Encoding.UTF8.GetString(MiniLmResources.Vocabulary).Split('\n'))
        {
            string piece = line.TrimEnd('\r');
            if (piece.Length == 0 || piece.StartsWith("##", StringComparison.Ordinal) || (piece.StartsWith('[') && piece.EndsWith(']'))) continue;
            keys.Add(piece);
        }
        foreach (string word in trainingWords) keys.Add(word);
        var words = new List<string>(keys.Count);
        var pieces = new List<int[]>(keys.Count);
        foreach (string word in keys.Order(StringComparer.Ordinal))
        {
            IReadOnlyList<int> ids = tokenizer.EncodeToIds(word, addSpecialTokens: false);
            if (ids.Count > MaxPiecesPerWord) continue;
            words.Add(word);
            pieces.Add(ids.ToArray());
        }
        return new WordPieceTable(words.ToArray(), pieces.ToArray());
    }
}
