using System.Text;
using Microsoft.ML.Tokenizers;

namespace LstmMlNet.Text.MiniLM;

/// <summary>
/// The WordPiece ids of every word the saved model can meet exactly: each basic token (a run of letters and digits,
/// or one punctuation mark or CJK ideograph, as BERT's basic tokenizer splits lowercased text) mapped to the ids that
/// Microsoft.ML.Tokenizers' <see cref="BertTokenizer"/> gives it. The keys are the vocabulary's whole words (pieces
/// not starting with "##") and every basic token of the training rows; a word outside them (not seen in training,
/// not a vocabulary word) becomes [UNK] in the saved model, where WordPiece would have split it into pieces. The
/// table is a LabelEncoder (word → row) and a padded [rows, pieces] int32 matrix in the ONNX graph.
/// </summary>
internal sealed class WordPieceTable
{
    /// <summary>Id of [UNK] in the BERT uncased vocabulary.</summary>
    public const int UnknownId = 100;

    /// <summary>Id of [CLS], the first token of every sequence.</summary>
    public const int ClsId = 101;

    /// <summary>Id of [SEP], the last token of every sequence.</summary>
    public const int SepId = 102;

    /// <summary>Pieces kept per word (longer words keep their first pieces; WordPiece itself gives [UNK] to words over
    /// 100 characters).</summary>
    public const int MaxPiecesPerWord = 16;

    private WordPieceTable(string[] words, int[][] pieces)
    {
        Words = words;
        Pieces = pieces;
    }

    /// <summary>The keys, in row order; the row after the last is [UNK].</summary>
    public string[] Words { get; }

    /// <summary>Each word's piece ids (at most <see cref="MaxPiecesPerWord"/>).</summary>
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
        string[] words = keys.Order(StringComparer.Ordinal).ToArray();
        var pieces = new int[words.Length][];
        for (int i = 0; i < words.Length; i++)
        {
            IReadOnlyList<int> ids = tokenizer.EncodeToIds(words[i], addSpecialTokens: false);
            pieces[i] = ids.Take(MaxPiecesPerWord).ToArray();
        }
        return new WordPieceTable(words, pieces);
    }
}
