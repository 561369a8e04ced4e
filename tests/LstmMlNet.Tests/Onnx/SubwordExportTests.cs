using LstmMlNet.Data;
using LstmMlNet.Engine;
using LstmMlNet.Onnx;
using Microsoft.ML.OnnxRuntime;
using static TorchSharp.torch;

namespace LstmMlNet.Tests.Onnx;

/// <summary>Subword n-gram vectors and the bag-of-embeddings path: the hashing, the averaged token vectors, padding,
/// and parity of the exported ONNX graph (which stores only the averaged table) with the TorchSharp network.</summary>
public sealed class SubwordExportTests
{
    private const double Tolerance = 1e-4;

    private static readonly string[] Words = { "good", "goods", "goodness", "bad", "badly", "film", "films", "a", "xyz" };

    [Fact]
    public void Ngrams_are_the_bracketed_substrings_by_position_then_length()
    {
        var ngrams = new SubwordNgrams(100, 3, 5);
        Assert.Equal(new[] { "<ca", "<cat", "<cat>", "cat", "cat>", "at>" }, ngrams.Ngrams("cat"));
        Assert.Equal(new[] { "<a>" }, ngrams.Ngrams("a"));
        Assert.Equal(new[] { "<a", "<a>", "a>" }, new SubwordNgrams(100, 2, 3).Ngrams("a"));
    }

    [Fact]
    public void Buckets_are_fnv1a_of_the_utf16_code_units_modulo_the_bucket_count()
    {
        // FNV-1a 32-bit of "a" is 0xE40C292C (the published test vector); for ASCII, UTF-16 code units equal the bytes.
        Assert.Equal((int)(0xE40C292CU % int.MaxValue), new SubwordNgrams(int.MaxValue, 1, 1).Bucket("a"));
        // The empty string hashes to the offset basis 0x811C9DC5.
        Assert.Equal((int)(0x811C9DC5U % 1000), new SubwordNgrams(1000, 1, 1).Bucket(string.Empty));
        var ngrams = new SubwordNgrams(50, 3, 5);
        int[] buckets = ngrams.BucketsOf("goodness");
        Assert.Equal(buckets.Distinct().Order(), buckets);
        Assert.All(buckets, b => Assert.InRange(b, 0, 49));
    }

    [Fact]
    public void Table_pads_with_the_bucket_count_and_gives_the_out_of_vocabulary_row_no_ngrams()
    {
        var ngrams = new SubwordNgrams(64, 3, 5);
        var ids = Words.Select((w, i) => (w, Id: (long)i + 1)).ToDictionary(p => p.w, p => p.Id);
        SubwordTable table = ngrams.Table(ids, Words.Length + 1);
        Assert.Equal(Words.Length + 1, table.Rows);
        Assert.Equal(Words.Max(w => ngrams.BucketsOf(w).Length), table.Width);
        Assert.All(table.Indices.Take(table.Width), i => Assert.Equal(64, i));
        Assert.Equal(1f, table.Counts[0]);
        for (int r = 1; r <= Words.Length; r++)
        {
            int[] expected = ngrams.BucketsOf(Words[r - 1]);
            long[] row = table.Indices.Skip(r * table.Width).Take(table.Width).ToArray();
            Assert.Equal(expected.Select(b => (long)b), row.Take(expected.Length));
            Assert.All(row.Skip(expected.Length), i => Assert.Equal(64, i));
            Assert.Equal(1 + expected.Length, table.Counts[r]);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => ngrams.Table(new Dictionary<string, long> { ["x"] = 5 }, 3));
    }

    [Fact]
    public void Token_vector_is_the_mean_of_the_token_row_and_its_ngram_rows_and_padding_gets_no_gradient()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(11);
        var (network, table) = Network(PoolingKind.Max, bidirectional: false, buckets: 32);
        Tensor words = network.Embedding!.weight!;
        Tensor grams = network.Subwords!.weight!;
        Assert.Equal(new long[] { 33, 6 }, grams.shape);
        Assert.Equal(0.0, grams[32].abs().max().item<float>());
        for (int r = 0; r < table.Rows; r++)
        {
            long[] buckets = table.Indices.Skip(r * table.Width).Take(table.Width).Where(b => b < 32).ToArray();
            Tensor expected = words[r].clone();
            foreach (long b in buckets) expected += grams[b];
            expected /= 1 + buckets.Length;
            Tensor actual = network.TokenVectors(tensor(new long[] { r }))[0];
            Assert.True((expected - actual).abs().max().item<float>() < 1e-6, $"row {r}");
        }
        Assert.Equal(network.TokenVectors(arange(table.Rows, ScalarType.Int64)).data<float>().ToArray(), network.TokenTable().data<float>().ToArray());

        network.TokenVectors(tensor(new long[] { 1, 2, 3 })).sum().backward();
        Assert.Equal(0.0, grams.grad![32].abs().max().item<float>());
        Assert.True(grams.grad.abs().sum().item<float>() > 0);
    }

    [Theory]
    [InlineData(PoolingKind.Max, true)]
    [InlineData(PoolingKind.Last, true)]
    [InlineData(PoolingKind.Attention, false)]
    [InlineData(PoolingKind.Mean, false)]
    public void Onnx_with_subwords_and_bag_matches_torchsharp(PoolingKind pooling, bool bidirectional)
    {
        using var scope = NewDisposeScope();
        random.manual_seed(20 + (int)pooling);
        var (network, _) = Network(pooling, bidirectional, buckets: 40);
        network.eval();
        using var session = new InferenceSession(OnnxExporter.Export(network, new OnnxExportOptions(OnnxHead.Softmax)));
        foreach (int length in new[] { 1, 3, 8 })
        {
            Tensor ids = randint(0, Words.Length + 1, new long[] { 1, length });
            float[] expected = OnnxExportTests.Reference(network, ids, OnnxHead.Softmax);
            float[] actual = OnnxRuntimeRunner.Run(session, "Input", "Score", ids.data<long>().ToArray());
            double diff = OnnxExportTests.MaxDifference(expected, actual);
            Assert.True(diff <= Tolerance, $"{pooling} length {length}: {diff:E2}");
        }
    }

    [Fact]
    public void Bag_of_embeddings_reads_only_each_rows_valid_steps()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        random.manual_seed(5);
        var (network, _) = Network(PoolingKind.Max, bidirectional: true, buckets: 16);
        network.eval();
        long[][] rows = { new long[] { 1, 2, 3, 4, 5 }, new long[] { 6, 7 }, new long[] { 8 } };
        // Padding with a real token id: a bag that read padded steps would change.
        var padded = new long[rows.Length, 5];
        for (int b = 0; b < rows.Length; b++) for (int t = 0; t < 5; t++) padded[b, t] = t < rows[b].Length ? rows[b][t] : 9;
        Tensor batch = network.Forward(tensor(padded), tensor(rows.Select(r => (long)r.Length).ToArray()));
        for (int b = 0; b < rows.Length; b++)
        {
            Tensor single = network.Forward(tensor(rows[b]).unsqueeze(0), tensor(new[] { (long)rows[b].Length }));
            Assert.True((batch[b] - single[0]).abs().max().item<float>() < 1e-5, $"row {b}");
        }
    }

    [Fact]
    public void Spec_and_export_reject_what_a_bag_or_subwords_cannot_do_and_size_a_frame_bag()
    {
        using var scope = NewDisposeScope();
        // Subword buckets exist only on a token input (a frame spec cannot name them); a negative count is rejected by name.
        Assert.Equal("SubwordBuckets", Assert.Throws<ArgumentOutOfRangeException>(() =>
            new NetworkSpec(new TokenInput(4, 2, SubwordBuckets: -1), 1).Validate()).ParamName);
        Assert.Equal(0, new NetworkSpec(new FrameInput(2), 1).SubwordBuckets);
        // A frame network's bag is the mean step input: the frame (F wide) or its projection (P wide).
        Assert.Equal(3 + 2, new NetworkSpec(new FrameInput(2), 1, HiddenSize: 3, BagOfEmbeddings: true).HeadInputSize);
        Assert.Equal(3 + 4, new NetworkSpec(new FrameInput(2, ProjectionSize: 4), 1, HiddenSize: 3, BagOfEmbeddings: true).HeadInputSize);
        Assert.Throws<ArgumentNullException>(() => new SequenceNetwork(new NetworkSpec(new TokenInput(4, 2, SubwordBuckets: 8), 1, HiddenSize: 3)));
        var (network, _) = Network(PoolingKind.Last, bidirectional: false, buckets: 8);
        Assert.Contains("pooled output only", Assert.Throws<ArgumentException>(() =>
            OnnxExporter.Export(network, new OnnxExportOptions(OnnxHead.Identity, StepOutputs: 1))).Message);
        Assert.Throws<InvalidOperationException>(() => network.ForwardSteps(tensor(new long[,] { { 1, 2 } }), tensor(new[] { 2L }), null));
    }

    private static (SequenceNetwork Network, SubwordTable Table) Network(PoolingKind pooling, bool bidirectional, int buckets)
    {
        var ids = Words.Select((w, i) => (w, Id: (long)i + 1)).ToDictionary(p => p.w, p => p.Id);
        SubwordTable table = new SubwordNgrams(buckets, 3, 5).Table(ids, Words.Length + 1);
        var spec = new NetworkSpec(new TokenInput(Words.Length + 1, 6, SubwordBuckets: buckets), 3, RecurrentCellKind.Lstm, HiddenSize: 4, Bidirectional: bidirectional,
            Pooling: pooling, AttentionSize: 3, BagOfEmbeddings: true);
        return (new SequenceNetwork(spec, table), table);
    }
}
