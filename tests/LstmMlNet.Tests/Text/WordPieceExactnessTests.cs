using System.Text;
using LstmMlNet.Tests.Catalog;
using LstmMlNet.Tests.Infrastructure;
using LstmMlNet.Text.MiniLM;
using Microsoft.ML;
using Microsoft.ML.Tokenizers;
using Xunit.Abstractions;

namespace LstmMlNet.Tests.Text;

/// <summary>The saved model's tokenisation (NormalizeText, ONNX Runtime's Tokenizer, the word table for known words and
/// the graph's WordPiece for every other word) against Microsoft.ML.Tokenizers' BertTokenizer on the raw text: the same
/// ids on every row, on the rows the table was built from and on held-out rows, and on targeted words.</summary>
public sealed class WordPieceExactnessTests(ITestOutputHelper output)
{
    private const int MaxLength = 512;

    private static readonly BertTokenizer Bert = WordPieceTable.CreateTokenizer();

    [Theory]
    [InlineData("yelp_labelled.txt")]
    [InlineData("imdb_labelled.txt")]
    public void Ids_match_bert_tokenizer_on_training_rows_and_held_out_rows(string file)
    {
        var ml = new MLContext(seed: 1);
        IDataView all = ml.Data.LoadFromTextFile<SentimentRow>(SharedData.Path("sentiment", file), separatorChar: '\t', hasHeader: false, allowQuoting: false);
        var split = ml.Data.TrainTestSplit(all, testFraction: 0.2, seed: 1);
        using var text = PretrainedTextFeatures.Fit(ml, split.TrainSet, "Text", MaxLength, null);
        foreach (var (name, data) in new[] { ("training", split.TrainSet), ("held-out", split.TestSet) })
        {
            List<string> raw = ml.Data.CreateEnumerable<SentimentRow>(data, reuseRowObject: false).Select(r => r.Text).ToList();
            AssertSame(ml, text, raw, $"{file} {name}");
        }
    }

    /// <summary>MR, Subj and TREC (Latin-1 files, `label sentence` lines): a seeded sample of 1,500 rows of each (every row
    /// with LSTMMLNET_WORDPIECE_ROWS=all), none of them in the word table (built from the yelp training split).</summary>
    [Theory]
    [InlineData("rt-polarity.all")]
    [InlineData("subj.all")]
    [InlineData("TREC.train.all")]
    [InlineData("TREC.test.all")]
    public void Ids_match_bert_tokenizer_on_held_out_sentences(string file)
    {
        var ml = new MLContext(seed: 1);
        using var text = YelpFront(ml);
        string[] lines = File.ReadAllLines(SharedData.Path("sentences", file), Encoding.Latin1);
        List<string> raw = lines.Select(l => l[(l.IndexOf(' ') + 1)..]).ToList();
        var random = new Random(1);
        int take = Environment.GetEnvironmentVariable("LSTMMLNET_WORDPIECE_ROWS") == "all" ? raw.Count : 1500;
        raw = raw.OrderBy(_ => random.Next()).Take(take).ToList();
        AssertSame(ml, text, raw, file);
    }

    [Fact]
    public void Trie_holds_every_piece_of_the_vocabulary_once()
    {
        WordPieceGraph trie = WordPieceGraph.Build(MiniLmResources.Vocabulary);
        string[] vocabulary = Encoding.UTF8.GetString(MiniLmResources.Vocabulary).Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        Assert.Equal(30522, vocabulary.Count(l => l.Length > 0));
        // Every piece is a node ("##" spells the root of continuation pieces, so it is not one), ids 0 … 30521.
        int[] ids = trie.Terminal.Where(id => id >= 0).Order().ToArray();
        Assert.Equal(Enumerable.Range(0, 30522), ids);
        Assert.Equal(18, trie.MaxPieceLength);
        Assert.Equal(1008, trie.Alphabet.Length);
        Assert.Equal(18, trie.Keys.Length);
        // One edge per node below the two roots; the depth-1 edges leave the roots.
        Assert.Equal(trie.Terminal.Length - 3, trie.Keys.Sum(k => k.Length));
        Assert.All(trie.Keys[0], key => Assert.InRange(key / trie.Radix, 1, 2));
    }

    [Fact]
    public void Unseen_word_splits_into_pieces_as_wordpiece_does()
    {
        var ml = new MLContext(seed: 1);
        using var text = Front(ml, "the food was good");
        Assert.DoesNotContain("wayyy", text.Table.Words);
        Assert.DoesNotContain("muppets", text.Table.Words);
        // way ##y ##y; mu ##ppet ##s: ids read from vocab.txt.
        Assert.Equal(new long[] { 101, 2126, 2100, 2100, 2058, 18098, 6610, 2094, 102 }, Ids(ml, text, "wayyy overpriced"));
        Assert.Equal(new long[] { 101, 1996, 14163, 29519, 2015, 102 }, Ids(ml, text, "The Muppets"));
        AssertSame(ml, text, new[] { "wayyy overpriced", "The Muppets", "antidisestablishmentarianism", "supercalifragilisticexpialidocious" }, "unseen words");
    }

    [Fact]
    public void Word_of_characters_in_no_piece_is_unk()
    {
        var ml = new MLContext(seed: 1);
        using var text = Front(ml, "the food was good");
        // U+A66E (a Cyrillic letter) is in no piece of the vocabulary: the word cannot be split, so it is [UNK]; so is a
        // word that starts with known pieces and then meets it.
        Assert.Equal(new long[] { 101, 1037, 100, 1038, 102 }, Ids(ml, text, "a \uA66E\uA66E b"));
        Assert.Equal(new long[] { 101, 100, 102 }, Ids(ml, text, "good\uA66E"));
        AssertSame(ml, text, new[] { "a \uA66E\uA66E b", "good\uA66E" }, "unknown characters");
    }

    [Fact]
    public void Words_up_to_the_length_bound_split_and_longer_words_are_unk()
    {
        var ml = new MLContext(seed: 1);
        using var text = Front(ml, "the food was good");
        Assert.Equal(100, WordPieceGraph.MaxInputCharsPerWord);
        // 100 characters: aaa, 48 × ##aa, ##a; 101 characters: [UNK].
        long[] hundred = Ids(ml, text, new string('a', 100));
        Assert.Equal(new long[] { 101, 13360 }.Concat(Enumerable.Repeat(11057L, 48)).Concat(new long[] { 2050, 102 }), hundred);
        Assert.Equal(new long[] { 101, 100, 102 }, Ids(ml, text, new string('a', 101)));
        Assert.Equal(new long[] { 101, 100, 102 }, Ids(ml, text, new string('a', 400)));
        // Seeded random words of 1 to 130 letters, the bound and the pieces' longest match included.
        var random = new Random(7);
        var words = new List<string>();
        for (int length = 1; length <= 130; length++)
            words.Add(new string(Enumerable.Range(0, length).Select(_ => (char)('a' + random.Next(26))).ToArray()));
        words.Add(string.Concat(Enumerable.Repeat("characterization", 7))[..100]);
        words.Add(string.Concat(Enumerable.Repeat("characterization", 7))[..101]);
        AssertSame(ml, text, words, "random words");
        // One row of 1,109 pieces: the model keeps [CLS], the first 510 and [SEP].
        long[] row = Ids(ml, text, string.Join(' ', words.Take(60)));
        Assert.Equal(MaxLength, row.Length);
        Assert.Equal(WordPieceTable.SepId, row[^1]);
        AssertSame(ml, text, new[] { string.Join(' ', words.Take(60)) }, "one row of random words, truncated");
    }

    [Fact]
    public void Digits_accents_and_punctuation_match_bert_tokenizer()
    {
        var ml = new MLContext(seed: 1);
        using var text = Front(ml, "the food was good");
        string[] rows =
        {
            "12345678901234567890 3.14 1,000,000 2nd 1990s 007",
            "Café naïve RÉSUMÉ Ångström façade Zürich",
            "Hello!!! (really?) don't--stop... a_b __init__ $5 <tag> #hash @user 50% ½ x² \"quoted\" [brackets] {braces}",
            "is\u0085was tab\there new\nline",
            "«guillemets» — dash – ‘single’ “double” …",
            "x\U00010100y \U0001D400bc 😀 hi😀 中文字 ｆｕｌｌ ﬁne Straße ø æ",
            "",
        };
        AssertSame(ml, text, rows, "targeted rows");
        // The word table holds "is" and "was"; the row's word "is\u0085was" is not in it: the normaliser drops U+0085
        // inside the word, and WordPiece splits "iswas".
        Assert.Equal(new long[] { 101, 2003, 17311, 102 }, Ids(ml, text, "is\u0085was"));
        Assert.Equal(new long[] { 101, 1019, 102 }, Ids(ml, text, "$5"));
        Assert.Equal(new long[] { 101, 102 }, Ids(ml, text, ""));
    }

    /// <summary>A model fitted with TextEncoder = MiniLM (60 yelp rows, one epoch), saved with ml.Model.Save and loaded:
    /// a sentence with a word outside the training rows and the vocabulary scores the same after the round trip, and
    /// differently from the same sentence with a word of unknown characters (which is [UNK]), so the word is read.</summary>
    [Fact]
    public void Saved_model_reads_an_unseen_word_after_save_and_load()
    {
        var ml = new MLContext(seed: 1);
        IDataView train = ml.Data.TakeRows(ml.Data.TrainTestSplit(TrainerModelTests.Yelp(ml), testFraction: 0.2, seed: 1).TrainSet, 60);
        using (var text = PretrainedTextFeatures.Fit(ml, train, "Text", 32, null))
        {
            Assert.DoesNotContain("wayyy", text.Table.Words);
            Assert.Equal(new long[] { 101, 2126, 2100, 2100, 2058, 18098, 6610, 2094, 102 }, Ids(ml, text, "wayyy overpriced"));
        }
        var options = PretrainedEncoderTrainerTests.SmallBinary();
        options.Epochs = 1;
        ITransformer model = ml.BinaryClassification.Trainers.Lstm(options).Fit(train);
        string[] sentences = { "wayyy overpriced", "\uA66E overpriced", "The Muppets were hilarious!" };
        var engine = ml.Model.CreatePredictionEngine<TextInput, BinaryOutput>(model);
        float[] before = sentences.Select(s => engine.Predict(new TextInput { Text = s }).Score).ToArray();

        string path = Path.Combine(Path.GetTempPath(), $"lstmmlnet-wordpiece-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(model, train.Schema, path);
            var other = new MLContext();
            ITransformer loaded = other.Model.Load(path, out _);
            using var release = Released.After(loaded);
            var loadedEngine = other.Model.CreatePredictionEngine<TextInput, BinaryOutput>(loaded, new PredictionEngineOptions { OwnsTransformer = false });
            float[] after = sentences.Select(s => loadedEngine.Predict(new TextInput { Text = s }).Score).ToArray();
            output.WriteLine($"scores before save {string.Join(", ", before)}; after load {string.Join(", ", after)}");
            for (int i = 0; i < sentences.Length; i++) Assert.Equal(before[i], after[i], 5);
            Assert.True(Math.Abs(after[0] - after[1]) > 1e-4, $"'wayyy' scores as [UNK]: {after[0]} vs {after[1]}");
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>A front whose word table holds the vocabulary and the words of <paramref name="training"/>.</summary>
    internal static PretrainedTextFeatures Front(MLContext ml, params string[] training) =>
        PretrainedTextFeatures.Fit(ml, ml.Data.LoadFromEnumerable(training.Select(t => new SentimentRow { Text = t }).ToList()), "Text", MaxLength, null);

    private static PretrainedTextFeatures YelpFront(MLContext ml)
    {
        IDataView all = ml.Data.LoadFromTextFile<SentimentRow>(SharedData.Path("sentiment", "yelp_labelled.txt"), separatorChar: '\t', hasHeader: false, allowQuoting: false);
        return PretrainedTextFeatures.Fit(ml, ml.Data.TrainTestSplit(all, testFraction: 0.2, seed: 1).TrainSet, "Text", MaxLength, null);
    }

    private static long[] Ids(MLContext ml, PretrainedTextFeatures text, string raw) =>
        text.Ids(Normalize(ml, text, new[] { raw })[0]);

    private static List<string[]> Normalize(MLContext ml, PretrainedTextFeatures text, IReadOnlyList<string> raw) =>
        PretrainedTextFeatures.ReadTexts(text.Normalizer.Transform(ml.Data.LoadFromEnumerable(raw.Select(t => new SentimentRow { Text = t }).ToList())));

    /// <summary>Asserts the ids of every row equal BertTokenizer's on the raw text: [CLS], the first
    /// <see cref="MaxLength"/> − 2 pieces, [SEP].</summary>
    private void AssertSame(MLContext ml, PretrainedTextFeatures text, IReadOnlyList<string> raw, string name)
    {
        List<string[]> normalized = Normalize(ml, text, raw);
        var table = new HashSet<string>(text.Table.Words, StringComparer.Ordinal);
        int words = 0, outside = 0;
        using (var tokenizer = new Microsoft.ML.OnnxRuntime.InferenceSession(MiniLmFrontGraph.BasicTokens()))
        {
            foreach (string[] row in normalized)
            {
                string[] tokens = PretrainedTextFeatures.BasicTokens(tokenizer, row);
                words += tokens.Length;
                outside += tokens.Count(t => !table.Contains(t));
            }
        }
        int pieces = 0, unknown = 0;
        var differing = new List<string>();
        for (int i = 0; i < raw.Count; i++)
        {
            long[] expected = Bert.EncodeToIds(raw[i], addSpecialTokens: true).Select(v => (long)v).ToArray();
            if (expected.Length > MaxLength) expected = expected[..(MaxLength - 1)].Append(WordPieceTable.SepId).ToArray();
            long[] actual = text.Ids(normalized[i]);
            pieces += expected.Length;
            unknown += expected.Count(id => id == WordPieceTable.UnknownId);
            if (!expected.SequenceEqual(actual) && differing.Count < 5)
                differing.Add($"row {i} '{raw[i]}': bert {string.Join(' ', expected)} / model {string.Join(' ', actual)}");
        }
        output.WriteLine($"{name}: {raw.Count} rows, {words} words ({outside} outside the word table), {pieces} ids ({unknown} [UNK]), {differing.Count} rows differ");
        Assert.True(differing.Count == 0, string.Join('\n', differing));
    }
}
