using LstmMlNet.Engine;
using static TorchSharp.torch;

namespace LstmMlNet.Tests.Training;

/// <summary>Word dropout (<see cref="LstmTrainerOptions.TokenDropout"/>): while training, ids become the
/// out-of-vocabulary id 0 at the given rate; in evaluation nothing changes; bad values are named.</summary>
public sealed class TokenDropoutTests
{
    private static SequenceNetwork Network(double tokenDropout)
    {
        random.manual_seed(3);
        return new SequenceNetwork(new NetworkSpec(new TokenInput(VocabularySize: 20, EmbeddingSize: 6, TokenDropout: tokenDropout), Outputs: 3,
            Cell: RecurrentCellKind.Lstm, HiddenSize: 5, Pooling: PoolingKind.Max));
    }

    [Fact]
    public void Training_reads_dropped_tokens_as_out_of_vocabulary_and_evaluation_reads_every_token()
    {
        using var scope = NewDisposeScope();
        using SequenceNetwork dropping = Network(0.999999), keeping = Network(0);
        Tensor ids = tensor(new long[] { 3, 7, 9, 2, 11, 4, 5, 1 }, new long[] { 2, 4 });
        Tensor lengths = tensor(new long[] { 4, 3 });
        Tensor unknown = zeros(new long[] { 2, 4 }, ScalarType.Int64);

        // Same seed, same weights. In training (no other dropout in this spec) almost surely every id is dropped: the
        // output is the all-unknown rows' output.
        dropping.train();
        keeping.train();
        random.manual_seed(7);
        float[] trained = dropping.Forward(ids, lengths).data<float>().ToArray();
        float[] allUnknown = keeping.Forward(unknown, lengths).data<float>().ToArray();
        Assert.Equal(allUnknown, trained);
        Assert.NotEqual(keeping.Forward(ids, lengths).data<float>().ToArray(), trained);

        // Evaluation reads the ids as they are: the same as a network without word dropout.
        dropping.eval();
        keeping.eval();
        Assert.Equal(keeping.Forward(ids, lengths).data<float>().ToArray(), dropping.Forward(ids, lengths).data<float>().ToArray());
    }

    [Fact]
    public void Training_drops_about_the_given_share_of_tokens()
    {
        using var scope = NewDisposeScope();
        using SequenceNetwork network = Network(0.3);
        network.train();
        // One row per token id (1..19), each its own length-1 sequence; a row's output is the unknown token's (computed in
        // evaluation, where nothing is dropped) exactly when its token was dropped.
        Tensor ids = arange(1, 20, ScalarType.Int64).reshape(19, 1).repeat(200, 1); // 3,800 rows
        Tensor lengths = ones(new long[] { 3800 }, ScalarType.Int64);
        random.manual_seed(11);
        float[] output = network.Forward(ids, lengths).data<float>().ToArray();
        network.eval();
        float[] unknown = network.Forward(zeros(new long[] { 1, 1 }, ScalarType.Int64), ones(new long[] { 1 }, ScalarType.Int64)).data<float>().ToArray();
        bool Unknown(int row) => Enumerable.Range(0, 3).All(k => Math.Abs(output[row * 3 + k] - unknown[k]) < 1e-5);
        int dropped = Enumerable.Range(0, 3800).Count(Unknown);
        Assert.InRange(dropped / 3800.0, 0.27, 0.33); // binomial sd 0.0074: ±4 sd
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    public void A_rate_outside_zero_to_one_is_named(double rate)
    {
        var options = new LstmMulticlassTrainer.Options { TokenDropout = rate };
        var error = Assert.ThrowsAny<ArgumentException>(options.Validate);
        Assert.Contains("TokenDropout", error.Message, StringComparison.Ordinal);
    }
}
