using LstmMlNet.Engine;
using LstmMlNet.Tests.Infrastructure;
using static TorchSharp.torch;

namespace LstmMlNet.Tests.Engine;

public sealed class SequencePoolingTests
{
    private const int Hidden = 3;
    private static readonly long[] Lengths = { 4, 2, 1 };

    [Fact]
    public void Last_pooling_of_a_bidirectional_encoder_is_each_direction_final_state()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(2);
        var encoder = new RecurrentEncoder(new EncoderSpec(RecurrentCellKind.Gru, 2, Hidden, Layers: 2, Bidirectional: true));
        var pooling = new SequencePooling(PoolingKind.Last, Hidden, bidirectional: true, attentionSize: 0);
        using var noGrad = no_grad();
        EncoderOutput o = encoder.Forward(randn(3, 4, 2), tensor(Lengths));
        var (pooled, weights) = pooling.Forward(o.Output, tensor(Lengths));
        Assert.Null(weights);
        // h_n rows of the last layer: index 2 = forward, 3 = backward.
        TensorAssert.Close(cat(new[] { o.HiddenState[2], o.HiddenState[3] }, 1), pooled, 1e-6, "last pooling");
    }

    [Fact]
    public void Mean_and_max_ignore_padded_steps()
    {
        using var scope = NewDisposeScope();
        Tensor output = randn(3, 4, Hidden);
        Tensor poisoned = output.clone();
        poisoned[1, 2] = full(Hidden, 1000f);
        poisoned[2, 1] = full(Hidden, 1000f);
        var mean = new SequencePooling(PoolingKind.Mean, Hidden, false, 0);
        var max = new SequencePooling(PoolingKind.Max, Hidden, false, 0);
        for (int b = 0; b < 3; b++)
        {
            Tensor valid = output[b].narrow(0, 0, Lengths[b]);
            TensorAssert.Close(valid.mean(new long[] { 0 }), mean.Forward(poisoned, tensor(Lengths)).Pooled[b], 1e-6, $"mean of row {b}");
            TensorAssert.Close(valid.amax(new long[] { 0 }), max.Forward(poisoned, tensor(Lengths)).Pooled[b], 1e-6, $"max of row {b}");
        }
    }

    [Fact]
    public void Attention_weights_are_a_distribution_over_valid_steps()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(4);
        Tensor output = randn(3, 4, 2 * Hidden);
        var attention = new SequencePooling(PoolingKind.Attention, Hidden, true, attentionSize: 5);
        var (pooled, weights) = attention.Forward(output, tensor(Lengths));
        Assert.NotNull(weights);
        TensorAssert.Close(ones(3), weights!.sum(1), 1e-6, "weights sum to one");
        Assert.Equal(0.0, TensorAssert.MaxAbs(weights[1].narrow(0, 2, 2)));
        Assert.Equal(1.0, weights[2, 0].item<float>(), 6);
        TensorAssert.Close((weights.unsqueeze(-1) * output).sum(1), pooled, 1e-6, "pooled = Σ α_t o_t");
        Assert.Equal(2 * Hidden * 5 + 5 + 5, attention.parameters().Sum(p => p.numel()));
    }
}
