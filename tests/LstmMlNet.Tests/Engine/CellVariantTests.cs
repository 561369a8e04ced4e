using LstmMlNet.Engine;
using LstmMlNet.Tests.Infrastructure;
using TorchSharp;
using static LstmMlNet.Tests.Engine.EncoderCases;
using static TorchSharp.torch;

namespace LstmMlNet.Tests.Engine;

/// <summary>The cell variants that run only on the explicit path: peephole LSTM, 1997 LSTM (no forget gate),
/// CIFG LSTM (f = 1 − i) and the Cho et al. (2014) GRU.</summary>
public sealed class CellVariantTests
{
    public static readonly RecurrentCellKind[] Variants =
    {
        RecurrentCellKind.PeepholeLstm, RecurrentCellKind.Lstm1997, RecurrentCellKind.CifgLstm, RecurrentCellKind.ChoGru,
    };

    public static TheoryData<RecurrentCellKind> Cells()
    {
        var data = new TheoryData<RecurrentCellKind>();
        foreach (var cell in Variants) data.Add(cell);
        return data;
    }

    public static TheoryData<RecurrentCellKind, int, bool> Architectures() =>
        EncoderCases.Architectures(Variants);

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Parameter_count_matches_the_closed_form(RecurrentCellKind cell, int layers, bool bidirectional)
    {
        using var encoder = new RecurrentEncoder(new EncoderSpec(cell, Input, Hidden, layers, bidirectional));
        Assert.Equal(ParameterCount.Encoder(cell, Input, Hidden, layers, bidirectional), encoder.ParameterCount());
        Assert.False(encoder.HasFusedPath);
    }

    [Fact]
    public void Closed_form_counts_of_the_variants()
    {
        // One layer, I = 32, H = 128, two bias vectors per gate block (b_ih, b_hh):
        // peephole LSTM 4(I+H)H + 8H + 3H; 1997 LSTM and CIFG 3(I+H)H + 6H; Cho GRU 3(I+H)H + 6H as the GRU.
        Assert.Equal(4 * (32 + 128) * 128 + 8 * 128 + 3 * 128, ParameterCount.Encoder(RecurrentCellKind.PeepholeLstm, 32, 128));
        Assert.Equal(3 * (32 + 128) * 128 + 6 * 128, ParameterCount.Encoder(RecurrentCellKind.Lstm1997, 32, 128));
        Assert.Equal(3 * (32 + 128) * 128 + 6 * 128, ParameterCount.Encoder(RecurrentCellKind.CifgLstm, 32, 128));
        Assert.Equal(ParameterCount.Encoder(RecurrentCellKind.Gru, 32, 128, 2, true), ParameterCount.Encoder(RecurrentCellKind.ChoGru, 32, 128, 2, true));
        // Bidirectional, 2 layers: the second layer reads 2H features; 3H peepholes per layer and direction.
        long first = 2 * (4 * (32 + 128) * 128 + 8 * 128 + 3 * 128);
        long second = 2 * (4 * (256 + 128) * 128 + 8 * 128 + 3 * 128);
        Assert.Equal(first + second, ParameterCount.Encoder(RecurrentCellKind.PeepholeLstm, 32, 128, 2, true));
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Forward_matches_the_equations_stepped_by_hand(RecurrentCellKind cell, int layers, bool bidirectional)
    {
        using var scope = NewDisposeScope();
        random.manual_seed(17);
        var encoder = new RecurrentEncoder(new EncoderSpec(cell, Input, Hidden, layers, bidirectional,
            Initialization: new RecurrentInitialization { UseLibTorchDefaults = true }));
        encoder.to(float64);
        Tensor x = randn(new long[] { Batch, Steps, Input }, dtype: float64);
        using var noGrad = no_grad();
        EncoderOutput actual = encoder.Forward(x, full(Batch, (long)Steps, ScalarType.Int64), null, RecurrentPath.Explicit);

        int dirs = bidirectional ? 2 : 1;
        Tensor layerInput = x;
        var finalH = new List<Tensor>();
        var finalC = new List<Tensor>();
        for (int layer = 0; layer < layers; layer++)
        {
            var outputs = new List<Tensor>();
            for (int direction = 0; direction < dirs; direction++)
            {
                CellWeights w = encoder.Weights(layer, direction);
                Tensor h = zeros(new long[] { Batch, Hidden }, dtype: float64);
                Tensor c = zeros(new long[] { Batch, Hidden }, dtype: float64);
                var hs = new Tensor[Steps];
                for (int s = 0; s < Steps; s++)
                {
                    int t = direction == 0 ? s : Steps - 1 - s;
                    (h, c) = HandStep(cell, w, layerInput.select(1, t), h, c);
                    hs[t] = h;
                }
                outputs.Add(stack(hs, dim: 1));
                finalH.Add(h);
                finalC.Add(c);
            }
            layerInput = cat(outputs.ToArray(), dim: 2);
        }
        TensorAssert.Close(layerInput, actual.Output, 1e-12, "per-step outputs");
        TensorAssert.Close(stack(finalH.ToArray()), actual.HiddenState, 1e-12, "final hidden state");
        if (cell == RecurrentCellKind.ChoGru) Assert.Null(actual.CellState);
        else TensorAssert.Close(stack(finalC.ToArray()), actual.CellState!, 1e-12, "final cell state");
    }

    /// <summary>One step written from the published equations, gate by gate, with each gate's own weight rows.</summary>
    private static (Tensor H, Tensor C) HandStep(RecurrentCellKind cell, CellWeights w, Tensor x, Tensor h, Tensor c)
    {
        // a(k, hIn) = W_k x + b_ik + U_k hIn + b_hk for gate block k.
        Tensor A(int k, Tensor hIn) =>
            x.matmul(w.InputWeight.narrow(0, k * Hidden, Hidden).t()) + w.InputBias!.narrow(0, k * Hidden, Hidden)
            + hIn.matmul(w.RecurrentWeight.narrow(0, k * Hidden, Hidden).t()) + w.RecurrentBias!.narrow(0, k * Hidden, Hidden);
        switch (cell)
        {
            case RecurrentCellKind.PeepholeLstm:
            {
                Tensor pi = w.Peephole!.narrow(0, 0, Hidden), pf = w.Peephole.narrow(0, Hidden, Hidden), po = w.Peephole.narrow(0, 2 * Hidden, Hidden);
                Tensor i = (A(0, h) + pi * c).sigmoid();
                Tensor f = (A(1, h) + pf * c).sigmoid();
                Tensor g = A(2, h).tanh();
                Tensor cNext = f * c + i * g;
                Tensor o = (A(3, h) + po * cNext).sigmoid();
                return (o * cNext.tanh(), cNext);
            }
            case RecurrentCellKind.Lstm1997:
            {
                Tensor cNext = c + A(0, h).sigmoid() * A(1, h).tanh();
                return (A(2, h).sigmoid() * cNext.tanh(), cNext);
            }
            case RecurrentCellKind.CifgLstm:
            {
                Tensor i = A(0, h).sigmoid();
                Tensor cNext = (1 - i) * c + i * A(1, h).tanh();
                return (A(2, h).sigmoid() * cNext.tanh(), cNext);
            }
            case RecurrentCellKind.ChoGru:
            {
                Tensor r = A(0, h).sigmoid();
                Tensor z = A(1, h).sigmoid();
                Tensor n = A(2, r * h).tanh(); // W_n x + b_in + U_n (r ⊙ h) + b_hn
                return ((1 - z) * n + z * h, c);
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(cell));
        }
    }

    [Fact]
    public void Cho_gru_differs_from_the_pytorch_gru_on_the_same_weights()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(4);
        var init = new RecurrentInitialization { UseLibTorchDefaults = true };
        var cho = new RecurrentEncoder(new EncoderSpec(RecurrentCellKind.ChoGru, Input, Hidden, Initialization: init));
        var gru = new RecurrentEncoder(new EncoderSpec(RecurrentCellKind.Gru, Input, Hidden, Initialization: init));
        using var noGrad = no_grad();
        CellWeights source = cho.Weights(0, 0), target = gru.Weights(0, 0);
        target.InputWeight.copy_(source.InputWeight);
        target.RecurrentWeight.copy_(source.RecurrentWeight);
        target.InputBias!.copy_(source.InputBias!);
        target.RecurrentBias!.copy_(source.RecurrentBias!);
        Tensor x = randn(Batch, Steps, Input);
        Tensor lengths = full(Batch, (long)Steps, ScalarType.Int64);
        double difference = TensorAssert.MaxAbs(cho.Forward(x, lengths, null, RecurrentPath.Explicit).Output - gru.Forward(x, lengths, null, RecurrentPath.Explicit).Output);
        Assert.True(difference > 1e-3, $"r applied before or after U_n gave the same outputs (max difference {difference:E2})");
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Padding_never_changes_a_sequence_result(RecurrentCellKind cell, int layers, bool bidirectional)
    {
        using var scope = NewDisposeScope();
        random.manual_seed(5);
        var encoder = new RecurrentEncoder(new EncoderSpec(cell, Input, Hidden, layers, bidirectional));
        Tensor x = randn(Batch, Steps, Input);
        Tensor lengths = tensor(Lengths);
        using var noGrad = no_grad();
        EncoderOutput together = encoder.Forward(x, lengths, null, RecurrentPath.Explicit);
        for (int b = 0; b < Batch; b++)
        {
            long len = Lengths[b];
            EncoderOutput alone = encoder.Forward(x.narrow(0, b, 1).narrow(1, 0, len), tensor(new[] { len }), null, RecurrentPath.Explicit);
            TensorAssert.Close(alone.Output[0], together.Output[b].narrow(0, 0, len), 1e-5, $"outputs of sequence {b}");
            TensorAssert.Close(alone.HiddenState.select(1, 0), together.HiddenState.select(1, b), 1e-5, $"final state of sequence {b}");
            if (alone.CellState is not null) TensorAssert.Close(alone.CellState.select(1, 0), together.CellState!.select(1, b), 1e-5, $"final cell state of sequence {b}");
            if (len < Steps) Assert.Equal(0.0, TensorAssert.MaxAbs(together.Output[b].narrow(0, len, Steps - len)));
        }
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public void Asking_for_the_fused_path_runs_the_explicit_one(RecurrentCellKind cell)
    {
        using var scope = NewDisposeScope();
        random.manual_seed(8);
        var encoder = new RecurrentEncoder(new EncoderSpec(cell, Input, Hidden, 2, true));
        Tensor x = randn(Batch, Steps, Input);
        Tensor lengths = tensor(Lengths);
        EncoderOutput fused = encoder.Forward(x, lengths, null, RecurrentPath.Fused);
        EncoderOutput manual = encoder.Forward(x, lengths, null, RecurrentPath.Explicit);
        Assert.True(TensorAssert.Identical(fused.Output, manual.Output));
        Assert.True(TensorAssert.Identical(fused.HiddenState, manual.HiddenState));
        // A whole network (the trainers' default Fused path) trains through it: gradients reach every parameter.
        fused.Output.square().sum().backward();
        Assert.All(encoder.parameters(), p => Assert.True(p.grad is not null && TensorAssert.MaxAbs(p.grad) > 0));
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public void Initial_state_is_used(RecurrentCellKind cell)
    {
        using var scope = NewDisposeScope();
        random.manual_seed(9);
        var encoder = new RecurrentEncoder(new EncoderSpec(cell, Input, Hidden, 2, true));
        Tensor x = randn(Batch, Steps, Input);
        Tensor lengths = tensor(Lengths);
        Tensor h0 = randn(4, Batch, Hidden);
        Tensor? c0 = cell == RecurrentCellKind.ChoGru ? null : randn(4, Batch, Hidden);
        using var noGrad = no_grad();
        var with = encoder.Forward(x, lengths, (h0, c0), RecurrentPath.Explicit);
        var without = encoder.Forward(x, lengths, null, RecurrentPath.Explicit);
        Assert.True(TensorAssert.MaxAbs(with.Output - without.Output) > 1e-3, "the initial state had no effect");
    }

    [Fact]
    public void Forget_bias_and_peepholes_start_as_documented()
    {
        using var scope = NewDisposeScope();
        var init = new RecurrentInitialization { ForgetGateBias = 1.5 };
        // Peephole LSTM (i, f, g, o): forget block of b_ih = 1.5, peepholes 0.
        CellWeights peephole = new RecurrentEncoder(new EncoderSpec(RecurrentCellKind.PeepholeLstm, Input, Hidden, 2, true, Initialization: init)).Weights(1, 1);
        double[] bias = peephole.InputBias!.data<float>().Select(v => (double)v).ToArray();
        for (int k = 0; k < 4 * Hidden; k++) Assert.Equal(k >= Hidden && k < 2 * Hidden ? 1.5 : 0.0, bias[k]);
        Assert.Equal(new long[] { 3 * Hidden }, peephole.Peephole!.shape);
        Assert.Equal(0.0, TensorAssert.MaxAbs(peephole.Peephole));
        // CIFG (i, g, o): f = 1 − σ(b_i), so b_i = −1.5 gives f = σ(1.5).
        CellWeights cifg = new RecurrentEncoder(new EncoderSpec(RecurrentCellKind.CifgLstm, Input, Hidden, Initialization: init)).Weights(0, 0);
        bias = cifg.InputBias!.data<float>().Select(v => (double)v).ToArray();
        for (int k = 0; k < 3 * Hidden; k++) Assert.Equal(k < Hidden ? -1.5 : 0.0, bias[k]);
        // 1997 LSTM and Cho GRU: no forget gate, zero biases; orthogonal recurrent blocks as the other cells.
        foreach (var cell in new[] { RecurrentCellKind.Lstm1997, RecurrentCellKind.ChoGru })
        {
            CellWeights w = new RecurrentEncoder(new EncoderSpec(cell, Input, Hidden, Initialization: init)).Weights(0, 0);
            Assert.Equal(0.0, TensorAssert.MaxAbs(w.InputBias!));
            Assert.Equal(0.0, TensorAssert.MaxAbs(w.RecurrentBias!));
            Assert.Null(w.Peephole);
            for (int gate = 0; gate < 3; gate++)
            {
                Tensor u = w.RecurrentWeight.narrow(0, gate * Hidden, Hidden);
                TensorAssert.Close(eye(Hidden), u.matmul(u.t()), 1e-5, $"{cell} U block {gate} orthogonal");
            }
        }
    }

    [Fact]
    public void Variant_weights_outlive_the_dispose_scopes_they_were_made_and_converted_in()
    {
        RecurrentEncoder encoder;
        using (NewDisposeScope())
        {
            encoder = new RecurrentEncoder(new EncoderSpec(RecurrentCellKind.PeepholeLstm, Input, Hidden, 2, true));
        }
        using (NewDisposeScope())
        {
            encoder.to(float64);
        }
        using var scope = NewDisposeScope();
        using (encoder)
        {
            Assert.All(encoder.parameters(), p => Assert.False(p.IsInvalid));
            Assert.All(encoder.parameters(), p => Assert.Equal(float64, p.dtype));
            EncoderOutput o = encoder.Forward(randn(new long[] { 2, 3, Input }, dtype: float64), tensor(new long[] { 3, 2 }));
            Assert.Equal(new long[] { 2, 3, 2 * Hidden }, o.Output.shape);
        }
    }

    [Fact]
    public void Variant_weights_keep_pytorch_names_and_round_trip_through_a_state_dict()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(2);
        var a = new RecurrentEncoder(new EncoderSpec(RecurrentCellKind.PeepholeLstm, Input, Hidden, 2, true));
        var b = new RecurrentEncoder(new EncoderSpec(RecurrentCellKind.PeepholeLstm, Input, Hidden, 2, true));
        string[] names = a.named_parameters().Select(p => p.name).ToArray();
        Assert.Contains(names, n => n.EndsWith(".weight_ih_l0"));
        Assert.Contains(names, n => n.EndsWith(".weight_peephole_l1_reverse"));
        Assert.Equal(2 * 2 * 5, names.Length);
        using (no_grad()) foreach (var p in a.parameters()) p.add_(1.0);
        b.load_state_dict(a.state_dict());
        Tensor x = randn(2, 3, Input);
        Tensor lengths = tensor(new long[] { 3, 2 });
        using var noGrad = no_grad();
        Assert.True(TensorAssert.Identical(a.Forward(x, lengths).Output, b.Forward(x, lengths).Output));
    }
}
