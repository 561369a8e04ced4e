using LstmMlNet.Tests.Catalog;
using LstmMlNet.Tests.Infrastructure;
using LstmMlNet.Text.MiniLM;
using Microsoft.ML;
using Xunit.Abstractions;

namespace LstmMlNet.Tests.Text;

/// <summary>The saved model's tokenisation (NormalizeText, ONNX Runtime's Tokenizer, the word table) against
/// Microsoft.ML.Tokenizers' BertTokenizer on real text: identical on the rows the table was built from, and on held-out
/// rows except for words neither in training nor in the vocabulary (those become [UNK]).</summary>
public sealed class WordPieceExactnessTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("yelp_labelled.txt")]
    [InlineData("imdb_labelled.txt")]
    public void Ids_match_bert_tokenizer_on_training_rows_and_held_out_rows(string file)
    {
        var ml = new MLContext(seed: 1);
        IDataView all = ml.Data.LoadFromTextFile<SentimentRow>(SharedData.Path("sentiment", file), separatorChar: '\t', hasHeader: false, allowQuoting: false);
        var split = ml.Data.TrainTestSplit(all, testFraction: 0.2, seed: 1);
        using var text = PretrainedTextFeatures.Fit(ml, split.TrainSet, "Text", 512, null);
        var bert = WordPieceTable.CreateTokenizer();
        foreach (var (name, data) in new[] { ("training", split.TrainSet), ("held-out", split.TestSet) })
        {
            List<string> raw = ml.Data.CreateEnumerable<SentimentRow>(data, reuseRowObject: false).Select(r => r.Text).ToList();
            List<string[]> normalized = PretrainedTextFeatures.ReadTexts(text.Normalizer.Transform(data));
            int same = 0, pieces = 0, differing = 0;
            var examples = new List<string>();
            for (int i = 0; i < raw.Count; i++)
            {
                long[] expected = bert.EncodeToIds(raw[i], addSpecialTokens: true).Select(v => (long)v).ToArray();
                long[] actual = text.Ids(normalized[i]);
                pieces += expected.Length;
                if (expected.SequenceEqual(actual))
                {
                    same++;
                    continue;
                }
                differing += expected.Length != actual.Length ? Math.Abs(expected.Length - actual.Length) + 1 : expected.Zip(actual).Count(p => p.First != p.Second);
                if (examples.Count < 3) examples.Add($"'{raw[i]}': bert {string.Join(' ', expected)} / model {string.Join(' ', actual)}");
            }
            output.WriteLine($"{file} {name} rows: {same}/{raw.Count} identical ({pieces} pieces, about {differing} differ); {string.Join(" | ", examples)}");
        }
    }
}
