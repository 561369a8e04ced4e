using LstmMlNet.Data;
using LstmMlNet.Engine;
using static TorchSharp.torch;

namespace LstmMlNet.Tests.Engine;

/// <summary>The CPU token-vector node (<see cref="SubwordBag"/>) against the libtorch formulation it replaces in training
/// (<see cref="SequenceNetwork.TokenVectors"/>: a gather of the padded bucket table and a sum): values and the gradients
/// of both tables.</summary>
public sealed class SubwordBagTests
{
    private static readonly string[] Words = { "good", "goods", "goodness", "bad", "badly", "film", "films", "a", "xyz", "extraordinarily" };

    /// <summary>A token network over <see cref="Words"/> (ids 1…10, id 0 without n-grams): E 7, 48 n-gram buckets.</summary>
    private static SequenceNetwork Network()
    {
        var ids = Words.Select((w, i) => (w, Id: (long)i + 1)).ToDictionary(p => p.w, p => p.Id);
        SubwordTable table = new SubwordNgrams(48, 3, 5).Table(ids, Words.Length + 1);
        var spec = new NetworkSpec(new TokenInput(Words.Length + 1, 7, SubwordBuckets: 48), 2, RecurrentCellKind.Lstm, HiddenSize: 4, Bidirectional: false);
        return new SequenceNetwork(spec, table);
    }

    [Fact]
    public void Token_vectors_and_table_gradients_match_the_padded_gather_formulation()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(5);
        SequenceNetwork network = Network();
        Tensor words = network.Embedding!.weight!;
        Tensor grams = network.Subwords!.weight!;
        Tensor batch = randint(0, Words.Length + 1, new long[] { 3, 9 }); // repeated ids, id 0 (no n-grams) included
        batch[0, 0] = tensor(0L);
        Tensor weights = randn(3, 9, 7);

        Tensor fast = network.Embed(batch);
        (fast * weights).sum().backward();
        Tensor fastWords = words.grad!.clone(), fastGrams = grams.grad!.clone();
        words.grad!.zero_();
        grams.grad!.zero_();

        Tensor reference = network.TokenVectors(batch.reshape(-1)).reshape(3, 9, 7);
        (reference * weights).sum().backward();

        Assert.Equal(new long[] { 3, 9, 7 }, fast.shape);
        Assert.True((fast - reference).abs().max().item<float>() < 1e-6f, "values");
        Assert.True((fastWords - words.grad!).abs().max().item<float>() < 1e-6f, "token table gradient");
        Assert.True((fastGrams - grams.grad!).abs().max().item<float>() < 1e-6f, "n-gram table gradient");
        Assert.Equal(0f, fastGrams[48].abs().max().item<float>()); // the padding bucket gets none
        Assert.True(fastGrams.abs().sum().item<float>() > 0);
    }

    /// <summary>With <see cref="SubwordBag.RowGradients"/> (as the row-sparse optimiser sets it) the two backward passes
    /// before a clearing accumulate into the bag's buffers exactly what the dense gradients of the tables hold, the
    /// tables' own gradients stay empty, the touched rows are those with a gradient, and clearing them leaves the buffers
    /// zero.</summary>
    [Fact]
    public void Row_gradients_hold_the_dense_gradients_and_clear_to_zero()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(6);
        SequenceNetwork network = Network();
        Tensor words = network.Embedding!.weight!;
        Tensor grams = network.Subwords!.weight!;
        Tensor first = tensor(new long[] { 1, 2, 2, 0, 3, 1 }).reshape(2, 3), second = tensor(new long[] { 4, 2, 9, 10 }).reshape(1, 4);
        Tensor w1 = randn(2, 3, 7), w2 = randn(1, 4, 7);

        (network.Embed(first) * w1).sum().backward();
        (network.Embed(second) * w2).sum().backward();
        Tensor denseWords = words.grad!.clone(), denseGrams = grams.grad!.clone();
        words.grad = null!;
        grams.grad = null!;
        network.SubwordBag!.TakeTouchedRows();

        SubwordBag bag = network.SubwordBag!;
        bag.RowGradients = true;
        (network.Embed(first) * w1).sum().backward();
        (network.Embed(second) * w2).sum().backward();
        Assert.Null(words.grad);
        Assert.Null(grams.grad);
        Tensor rowWords = tensor(bag.TokenGradients.ToArray()).reshape(words.shape), rowGrams = tensor(bag.BucketGradients.ToArray()).reshape(grams.shape);
        Assert.True((rowWords - denseWords).abs().max().item<float>() < 1e-6f, "token table gradient");
        Assert.True((rowGrams - denseGrams).abs().max().item<float>() < 1e-6f, "n-gram table gradient");
        var (tokenRows, bucketRows) = bag.TakeTouchedRows();
        Assert.Equal(new long[] { 0, 1, 2, 3, 4, 9, 10 }, tokenRows);
        long[] withGradient = Enumerable.Range(0, 49).Where(r => rowGrams[r].abs().sum().item<float>() > 0).Select(r => (long)r).ToArray();
        Assert.Equal(withGradient, bucketRows);

        bag.ClearRowGradients(tokenRows, bucketRows);
        Assert.All(bag.TokenGradients.ToArray(), v => Assert.Equal(0f, v));
        Assert.All(bag.BucketGradients.ToArray(), v => Assert.Equal(0f, v));
        bag.RowGradients = false;
        Assert.True(bag.TokenGradients.IsEmpty);
    }

    [Fact]
    public void An_id_outside_the_vocabulary_is_refused()
    {
        using var scope = NewDisposeScope();
        var ids = Words.Select((w, i) => (w, Id: (long)i + 1)).ToDictionary(p => p.w, p => p.Id);
        SubwordTable table = new SubwordNgrams(16, 3, 5).Table(ids, Words.Length + 1);
        var spec = new NetworkSpec(new TokenInput(Words.Length + 1, 3, SubwordBuckets: 16), 2, RecurrentCellKind.Lstm, HiddenSize: 4);
        var network = new SequenceNetwork(spec, table);
        Assert.Throws<ArgumentOutOfRangeException>(() => network.Embed(tensor(new long[] { 1, Words.Length + 1 }).reshape(1, 2)));
    }
}
