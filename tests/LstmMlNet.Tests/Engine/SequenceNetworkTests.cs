using LstmMlNet.Engine;
using LstmMlNet.Tests.Infrastructure;
using static TorchSharp.torch;

namespace LstmMlNet.Tests.Engine;

public sealed class SequenceNetworkTests
{
    [Theory]
    [InlineData(PoolingKind.Last)]
    [InlineData(PoolingKind.Mean)]
    [InlineData(PoolingKind.Max)]
    [InlineData(PoolingKind.Attention)]
    public void Token_network_gives_the_same_logits_on_both_paths_and_alone_or_batched(PoolingKind pooling)
    {
        using var scope = NewDisposeScope();
        random.manual_seed(8);
        var network = new SequenceNetwork(new NetworkSpec(new TokenInput(20, 5), Outputs: 3, Cell: RecurrentCellKind.Lstm, HiddenSize: 8,
            Layers: 2, Bidirectional: true, Pooling: pooling, AttentionSize: 4));
        network.eval();
        Tensor ids = randint(0, 20, new long[] { 3, 6 });
        Tensor lengths = tensor(new long[] { 6, 2, 4 });
        using var noGrad = no_grad();
        Tensor fused = network.Forward(ids, lengths, RecurrentPath.Fused);
        TensorAssert.Close(fused, network.Forward(ids, lengths, RecurrentPath.Explicit), 1e-5, "explicit vs fused logits");
        for (int b = 0; b < 3; b++)
        {
            long len = lengths[b].item<long>();
            Tensor alone = network.Forward(ids.narrow(0, b, 1).narrow(1, 0, len), tensor(new[] { len }));
            TensorAssert.Close(fused[b], alone[0], 1e-5, $"row {b} alone");
        }
        Assert.Equal(new long[] { 3, 3 }, fused.shape);
    }

    [Theory]
    [InlineData(PoolingKind.Last)]
    [InlineData(PoolingKind.Mean)]
    [InlineData(PoolingKind.Max)]
    [InlineData(PoolingKind.Attention)]
    public void Token_network_training_step_gives_the_same_logits_and_gradients_on_both_paths(PoolingKind pooling)
    {
        // Gradients on and mixed lengths: the fused path runs the encoder padded per layer and direction.
        using var scope = NewDisposeScope();
        random.manual_seed(12);
        var network = new SequenceNetwork(new NetworkSpec(new TokenInput(20, 5), Outputs: 3, Cell: RecurrentCellKind.Lstm, HiddenSize: 8,
            Layers: 2, Bidirectional: true, Pooling: pooling, AttentionSize: 4));
        network.eval(); // no dropout, so both paths see the same function
        Tensor ids = randint(0, 20, new long[] { 4, 7 });
        Tensor lengths = tensor(new long[] { 3, 7, 1, 5 });
        Tensor targets = tensor(new long[] { 0, 2, 1, 2 });
        var results = new List<(Tensor Logits, Dictionary<string, Tensor> Grads)>();
        foreach (RecurrentPath path in new[] { RecurrentPath.Fused, RecurrentPath.Explicit })
        {
            network.zero_grad();
            Tensor logits = network.Forward(ids, lengths, path);
            nn.functional.cross_entropy(logits, targets).backward();
            results.Add((logits.detach(), network.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.clone())));
        }
        TensorAssert.Close(results[1].Logits, results[0].Logits, 1e-5, "logits");
        foreach (var (name, grad) in results[1].Grads) TensorAssert.Close(grad, results[0].Grads[name], 1e-5, "gradient of " + name);
    }

    [Fact]
    public void Frame_network_projects_and_counts_its_parameters()
    {
        using var scope = NewDisposeScope();
        var spec = new NetworkSpec(new FrameInput(4, ProjectionSize: 5), Outputs: 2, Cell: RecurrentCellKind.Gru, HiddenSize: 6);
        var network = new SequenceNetwork(spec);
        long expected = (4 * 5 + 5) + ParameterCount.Encoder(RecurrentCellKind.Gru, 5, 6) + (6 * 2 + 2);
        Assert.Equal(expected, network.ParameterCount());
        Tensor output = network.Forward(randn(2, 3, 4), tensor(new long[] { 3, 1 }));
        Assert.Equal(new long[] { 2, 2 }, output.shape);
        var wrong = Assert.Throws<ArgumentException>(() => network.Forward(randn(2, 3, 5), tensor(new long[] { 3, 1 })));
        Assert.Contains("[batch, steps, 4]", wrong.Message);
    }

    [Theory]
    [InlineData(PoolingKind.Last)]
    [InlineData(PoolingKind.Max)]
    public void Training_step_is_bit_for_bit_the_same_as_with_every_step_zeroed_and_in_order(PoolingKind pooling)
    {
        // The network tells the encoder what its pooling reads (EncoderOutputUse), so the padded training path may skip
        // zeroing and re-reversing the last layer; logits and gradients must not move by a bit.
        using var scope = NewDisposeScope();
        random.manual_seed(14);
        var network = new SequenceNetwork(new NetworkSpec(new TokenInput(20, 5), Outputs: 3, Cell: RecurrentCellKind.Lstm, HiddenSize: 8,
            Layers: 2, Bidirectional: true, Pooling: pooling));
        network.eval();
        Tensor ids = randint(0, 20, new long[] { 4, 7 });
        Tensor lengths = tensor(new long[] { 3, 7, 1, 5 });
        Tensor targets = tensor(new long[] { 0, 2, 1, 2 });
        var results = new List<(Tensor Logits, Dictionary<string, Tensor> Grads)>();
        foreach (bool allSteps in new[] { true, false })
        {
            network.zero_grad();
            Tensor logits = allSteps
                ? network.Head.call(network.Pooling.Forward(network.Encoder.Forward(network.Embed(ids), lengths, finalCellState: false).Output, lengths).Pooled)
                : network.Forward(ids, lengths);
            nn.functional.cross_entropy(logits, targets).backward();
            results.Add((logits.detach(), network.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.clone())));
        }
        Assert.True(TensorAssert.Identical(results[0].Logits, results[1].Logits), "logits");
        foreach (var (name, grad) in results[0].Grads) Assert.True(TensorAssert.Identical(grad, results[1].Grads[name]), "gradient of " + name);
    }
}
