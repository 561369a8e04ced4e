using LstmMlNet.Engine;
using LstmMlNet.Tests.Infrastructure;
using TorchSharp;
using Xunit.Abstractions;
using static LstmMlNet.Tests.Engine.EncoderCases;
using static TorchSharp.torch;

namespace LstmMlNet.Tests.Engine;

public sealed class RecurrentEncoderTests(ITestOutputHelper output)
{
    public static TheoryData<RecurrentCellKind, int, bool> Architectures() =>
        EncoderCases.Architectures(new[] { RecurrentCellKind.RnnTanh, RecurrentCellKind.RnnRelu, RecurrentCellKind.Lstm, RecurrentCellKind.Gru });

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Explicit_path_equals_fused_path_in_outputs_states_and_gradients(RecurrentCellKind cell, int layers, bool bidirectional)
    {
        using var scope = NewDisposeScope();
        random.manual_seed(11);
        var encoder = new RecurrentEncoder(new EncoderSpec(cell, Input, Hidden, layers, bidirectional));
        Tensor lengths = tensor(Lengths);
        Tensor x = randn(Batch, Steps, Input);
        Tensor upstream = randn(Batch, Steps, (bidirectional ? 2 : 1) * Hidden);
        Tensor upstreamH = randn(layers * (bidirectional ? 2 : 1), Batch, Hidden);

        var fused = Run(encoder, x, lengths, upstream, upstreamH, RecurrentPath.Fused);
        var manual = Run(encoder, x, lengths, upstream, upstreamH, RecurrentPath.Explicit);

        TensorAssert.Close(fused.Output, manual.Output, 1e-5, "per-step outputs");
        TensorAssert.Close(fused.H, manual.H, 1e-5, "final hidden state");
        if (cell == RecurrentCellKind.Lstm) TensorAssert.Close(fused.C!, manual.C!, 1e-5, "final cell state");
        TensorAssert.Close(fused.InputGrad, manual.InputGrad, 1e-5, "gradient w.r.t. the input");
        foreach (var (name, grad) in fused.Grads)
        {
            TensorAssert.Close(grad, manual.Grads[name], 1e-5, "gradient of " + name);
        }
        Assert.Equal(layers * (bidirectional ? 2 : 1) * 4, fused.Grads.Count);
    }

    private sealed record RunResult(Tensor Output, Tensor H, Tensor? C, Tensor InputGrad, Dictionary<string, Tensor> Grads);

    private static RunResult Run(RecurrentEncoder encoder, Tensor x, Tensor lengths, Tensor upstream, Tensor upstreamH, RecurrentPath path,
        bool finalCellState = true, (Tensor H, Tensor? C)? initialState = null, bool cellStateInLoss = true)
    {
        encoder.zero_grad();
        Tensor input = x.detach().clone().requires_grad_(true);
        EncoderOutput result = encoder.Forward(input, lengths, initialState, path, finalCellState: finalCellState);
        Tensor loss = (result.Output * upstream).sum() + (result.HiddenState * upstreamH).sum();
        if (result.CellState is not null && cellStateInLoss) loss = loss + result.CellState.square().sum();
        loss.backward();
        var grads = encoder.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.clone());
        return new RunResult(result.Output.detach(), result.HiddenState.detach(), result.CellState?.detach(), input.grad!.clone(), grads);
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    [InlineData(RecurrentCellKind.Lstm, 2, true)]
    public void Padded_training_path_equals_packed_and_explicit_paths_in_outputs_states_and_gradients(RecurrentCellKind cell, int layers, bool bidirectional)
    {
        // With gradients on and no final cell state asked for, the fused path runs mixed lengths padded, one call per
        // layer and direction (backward directions reversed within each length); it must agree with the packed run
        // (an LSTM asked for its cell state still packs) and with the explicit equations.
        using var scope = NewDisposeScope();
        random.manual_seed(17);
        var encoder = new RecurrentEncoder(new EncoderSpec(cell, Input, Hidden, layers, bidirectional));
        int directions = bidirectional ? 2 : 1;
        Tensor lengths = tensor(Lengths);
        Tensor x = randn(Batch, Steps, Input);
        Tensor upstream = randn(Batch, Steps, directions * Hidden);
        Tensor upstreamH = randn(layers * directions, Batch, Hidden);

        var padded = Run(encoder, x, lengths, upstream, upstreamH, RecurrentPath.Fused, finalCellState: false);
        var manual = Run(encoder, x, lengths, upstream, upstreamH, RecurrentPath.Explicit, cellStateInLoss: false);
        Assert.Null(padded.C);
        var references = new List<(string Name, RunResult Result)> { ("explicit", manual) };
        if (cell == RecurrentCellKind.Lstm) references.Add(("packed", Run(encoder, x, lengths, upstream, upstreamH, RecurrentPath.Fused, cellStateInLoss: false)));

        double worst = 0;
        foreach (var (name, reference) in references)
        {
            worst = Math.Max(worst, Check(reference.Output, padded.Output, $"per-step outputs vs {name}"));
            worst = Math.Max(worst, Check(reference.H, padded.H, $"final hidden state vs {name}"));
            worst = Math.Max(worst, Check(reference.InputGrad, padded.InputGrad, $"gradient w.r.t. the input vs {name}"));
            foreach (var (param, grad) in reference.Grads)
            {
                worst = Math.Max(worst, Check(grad, padded.Grads[param], $"gradient of {param} vs {name}"));
            }
        }
        Assert.Equal(layers * directions * 4, padded.Grads.Count);
        for (int b = 0; b < Batch; b++)
        {
            long len = Lengths[b];
            if (len < Steps) Assert.Equal(0.0, TensorAssert.MaxAbs(padded.Output[b].narrow(0, len, Steps - len)));
        }
        output.WriteLine($"{cell} layers={layers} bidirectional={bidirectional}: max |padded − reference| {worst:E2}");
    }

    private static double Check(Tensor expected, Tensor actual, string what)
    {
        TensorAssert.Close(expected, actual, 1e-5, what);
        return TensorAssert.MaxAbs(expected - actual);
    }

    [Theory]
    [InlineData(RecurrentCellKind.Lstm)]
    [InlineData(RecurrentCellKind.Gru)]
    public void Padded_training_path_uses_the_initial_state(RecurrentCellKind cell)
    {
        using var scope = NewDisposeScope();
        random.manual_seed(23);
        var encoder = new RecurrentEncoder(new EncoderSpec(cell, Input, Hidden, 2, true));
        Tensor x = randn(Batch, Steps, Input);
        Tensor lengths = tensor(Lengths);
        Tensor h0 = randn(4, Batch, Hidden);
        Tensor? c0 = cell == RecurrentCellKind.Lstm ? randn(4, Batch, Hidden) : null;
        Tensor upstream = randn(Batch, Steps, 2 * Hidden);
        Tensor upstreamH = randn(4, Batch, Hidden);
        var padded = Run(encoder, x, lengths, upstream, upstreamH, RecurrentPath.Fused, finalCellState: false, initialState: (h0, c0));
        var manual = Run(encoder, x, lengths, upstream, upstreamH, RecurrentPath.Explicit, initialState: (h0, c0), cellStateInLoss: false);
        TensorAssert.Close(manual.Output, padded.Output, 1e-5, "outputs with an initial state");
        TensorAssert.Close(manual.H, padded.H, 1e-5, "final hidden state with an initial state");
        foreach (var (param, grad) in manual.Grads) TensorAssert.Close(grad, padded.Grads[param], 1e-5, "gradient of " + param);
    }

    [Fact]
    public void Padded_training_path_keeps_garbage_in_padded_steps_out_of_results_and_gradients()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(29);
        var encoder = new RecurrentEncoder(new EncoderSpec(RecurrentCellKind.Lstm, Input, Hidden, 2, true));
        Tensor x = randn(Batch, Steps, Input);
        Tensor lengths = tensor(Lengths);
        Tensor noisy = WithGarbageInPadding(x);
        Tensor upstream = randn(Batch, Steps, 2 * Hidden);
        Tensor upstreamH = randn(4, Batch, Hidden);
        var clean = Run(encoder, x, lengths, upstream, upstreamH, RecurrentPath.Fused, finalCellState: false);
        var dirty = Run(encoder, noisy, lengths, upstream, upstreamH, RecurrentPath.Fused, finalCellState: false);
        TensorAssert.Close(clean.Output, dirty.Output, 0, "outputs");
        TensorAssert.Close(clean.H, dirty.H, 0, "final hidden state");
        foreach (var (param, grad) in clean.Grads) TensorAssert.Close(grad, dirty.Grads[param], 1e-6, "gradient of " + param);
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
        foreach (RecurrentPath path in Enum.GetValues<RecurrentPath>())
        {
            using var noGrad = no_grad();
            EncoderOutput together = encoder.Forward(x, lengths, null, path);
            for (int b = 0; b < Batch; b++)
            {
                long len = Lengths[b];
                // The same sequence alone, with nothing after its last step.
                EncoderOutput alone = encoder.Forward(x.narrow(0, b, 1).narrow(1, 0, len), tensor(new[] { len }), null, path);
                TensorAssert.Close(alone.Output[0], together.Output[b].narrow(0, 0, len), 1e-5, $"{path} outputs of sequence {b}");
                TensorAssert.Close(alone.HiddenState.select(1, 0), together.HiddenState.select(1, b), 1e-5, $"{path} final state of sequence {b}");
                if (len < Steps)
                {
                    Assert.Equal(0.0, TensorAssert.MaxAbs(together.Output[b].narrow(0, len, Steps - len)));
                }
            }
        }
    }

    [Fact]
    public void Garbage_in_padded_steps_does_not_leak_into_results()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(3);
        var encoder = new RecurrentEncoder(new EncoderSpec(RecurrentCellKind.Lstm, Input, Hidden, 2, true));
        Tensor x = randn(Batch, Steps, Input);
        Tensor lengths = tensor(Lengths);
        Tensor noisy = WithGarbageInPadding(x);
        using var noGrad = no_grad();
        foreach (RecurrentPath path in Enum.GetValues<RecurrentPath>())
        {
            TensorAssert.Close(encoder.Forward(x, lengths, null, path).Output, encoder.Forward(noisy, lengths, null, path).Output, 0, $"{path} outputs");
        }
    }

    [Fact]
    public void Fused_lstm_is_right_with_gradients_off()
    {
        // Guards the encoder's packing of LSTM input when grad mode is off: on some CPUs libtorch 2.10's unpacked
        // CPU LSTM inference kernel gives wrong outputs (seen on one CI machine, not on others), the packed one does not.
        using var scope = NewDisposeScope();
        random.manual_seed(1);
        var encoder = new RecurrentEncoder(new EncoderSpec(RecurrentCellKind.Lstm, Input, Hidden, 2, true));
        Tensor x = randn(Batch, Steps, Input);
        Tensor lengths = full(Batch, (long)Steps, ScalarType.Int64);
        Tensor reference = encoder.Forward(x, lengths, null, RecurrentPath.Explicit).Output;
        using var noGrad = no_grad();
        TensorAssert.Close(reference, encoder.Forward(x, lengths, null, RecurrentPath.Fused).Output, 1e-5, "fused LSTM without gradients");
    }

    [Theory]
    [InlineData(RecurrentCellKind.Lstm)]
    [InlineData(RecurrentCellKind.Gru)]
    [InlineData(RecurrentCellKind.RnnTanh)]
    public void Initial_state_is_used_by_both_paths(RecurrentCellKind cell)
    {
        using var scope = NewDisposeScope();
        random.manual_seed(9);
        var encoder = new RecurrentEncoder(new EncoderSpec(cell, Input, Hidden, 2, true));
        Tensor x = randn(Batch, Steps, Input);
        Tensor lengths = tensor(Lengths);
        Tensor h0 = randn(4, Batch, Hidden);
        Tensor? c0 = cell == RecurrentCellKind.Lstm ? randn(4, Batch, Hidden) : null;
        using var noGrad = no_grad();
        var fused = encoder.Forward(x, lengths, (h0, c0), RecurrentPath.Fused);
        var manual = encoder.Forward(x, lengths, (h0, c0), RecurrentPath.Explicit);
        var zero = encoder.Forward(x, lengths, null, RecurrentPath.Fused);
        TensorAssert.Close(fused.Output, manual.Output, 1e-5, "outputs with an initial state");
        Assert.True(TensorAssert.MaxAbs(fused.Output - zero.Output) > 1e-3, "the initial state had no effect");
    }

    [Fact]
    public void Bad_lengths_and_shapes_are_rejected_with_clear_messages()
    {
        using var scope = NewDisposeScope();
        var encoder = new RecurrentEncoder(new EncoderSpec(RecurrentCellKind.Lstm, Input, Hidden));
        Tensor x = randn(2, 3, Input);
        var zeroLength = Assert.Throws<ArgumentException>(() => encoder.Forward(x, tensor(new long[] { 3, 0 })));
        Assert.Contains("[1, 3]", zeroLength.Message);
        Assert.Throws<ArgumentException>(() => encoder.Forward(x, tensor(new long[] { 4, 3 })));
        var wrongWidth = Assert.Throws<ArgumentException>(() => encoder.Forward(randn(2, 3, Input + 1), tensor(new long[] { 3, 3 })));
        Assert.Contains($"[batch, steps, {Input}]", wrongWidth.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new RecurrentEncoder(new EncoderSpec(RecurrentCellKind.Lstm, Input, 0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RecurrentEncoder(new EncoderSpec(RecurrentCellKind.Lstm, Input, Hidden, Dropout: 1.5)));
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Parameter_count_matches_the_closed_form(RecurrentCellKind cell, int layers, bool bidirectional)
    {
        using var encoder = new RecurrentEncoder(new EncoderSpec(cell, Input, Hidden, layers, bidirectional));
        Assert.Equal(ParameterCount.Encoder(cell, Input, Hidden, layers, bidirectional), encoder.ParameterCount());
    }

    [Fact]
    public void Closed_form_counts_are_the_textbook_ones()
    {
        // One layer, I = 32, H = 128: LSTM 4(I+H)H + 8H, GRU 3(I+H)H + 6H, RNN (I+H)H + 2H.
        Assert.Equal(4 * (32 + 128) * 128 + 8 * 128, ParameterCount.Encoder(RecurrentCellKind.Lstm, 32, 128));
        Assert.Equal(3 * (32 + 128) * 128 + 6 * 128, ParameterCount.Encoder(RecurrentCellKind.Gru, 32, 128));
        Assert.Equal((32 + 128) * 128 + 2 * 128, ParameterCount.Encoder(RecurrentCellKind.RnnTanh, 32, 128));
        // Bidirectional, 2 layers: the second layer reads 2H features.
        long first = 2 * (4 * (32 + 128) * 128 + 8 * 128);
        long second = 2 * (4 * (256 + 128) * 128 + 8 * 128);
        Assert.Equal(first + second, ParameterCount.Encoder(RecurrentCellKind.Lstm, 32, 128, 2, true));
    }

    [Fact]
    public void Step_reversal_matches_index_select_in_values_and_gradients_bit_for_bit()
    {
        // StepReversal's backward selects the gradient rows through the same (self-inverse) permutation instead of
        // libtorch's index_add; each row receives exactly one incoming row, so the two must agree exactly.
        using var scope = NewDisposeScope();
        random.manual_seed(31);
        Tensor lengths = tensor(Lengths);
        Tensor rows = StepReversal.Rows(lengths, Steps);
        Tensor x = randn(Batch, Steps, Input);
        Tensor upstream = randn(Batch, Steps, Input);
        Tensor a = x.detach().clone().requires_grad_(true);
        Tensor b = x.detach().clone().requires_grad_(true);
        Tensor ours = StepReversal.Apply(a, rows);
        Tensor theirs = b.reshape(-1, Input).index_select(0, rows).view(Batch, Steps, Input);
        (ours * upstream).sum().backward();
        (theirs * upstream).sum().backward();
        Assert.True(TensorAssert.Identical(theirs, ours), "values");
        Assert.True(TensorAssert.Identical(b.grad!, a.grad!), "gradients");
        Assert.True(TensorAssert.Identical(SequenceMask.ReverseWithinLengths(x, lengths, full: false), ours), "the same map as ReverseWithinLengths");
    }

    [Theory]
    [InlineData(RecurrentCellKind.Lstm, 1, false)]
    [InlineData(RecurrentCellKind.Lstm, 2, true)]
    [InlineData(RecurrentCellKind.Gru, 1, true)]
    [InlineData(RecurrentCellKind.Lstm, 1, true)]
    public void Padded_training_path_leaves_out_only_what_the_caller_does_not_read(RecurrentCellKind cell, int layers, bool maxOverValidSteps)
    {
        // With ValidSteps the last layer's padded steps are not zeroed; with MaxOverValidSteps the backward direction's
        // valid steps also stay in run order. A caller reading valid steps by selection (or their maximum) must see the
        // same values and send back the same gradients as from AllSteps, bit for bit.
        using var scope = NewDisposeScope();
        random.manual_seed(37);
        EncoderOutputUse use = maxOverValidSteps ? EncoderOutputUse.MaxOverValidSteps : EncoderOutputUse.ValidSteps;
        var encoder = new RecurrentEncoder(new EncoderSpec(cell, Input, Hidden, layers, Bidirectional: true));
        Tensor lengths = tensor(Lengths);
        Tensor x = randn(Batch, Steps, Input);
        Tensor valid = arange(Steps).unsqueeze(0).lt(lengths.unsqueeze(1)).unsqueeze(-1);
        var results = new List<(Tensor Read, Tensor InputGrad, Dictionary<string, Tensor> Grads)>();
        foreach (EncoderOutputUse mode in new[] { EncoderOutputUse.AllSteps, use })
        {
            encoder.zero_grad();
            Tensor input = x.detach().clone().requires_grad_(true);
            Tensor output = encoder.Forward(input, lengths, null, RecurrentPath.Fused, finalCellState: false, use: mode).Output;
            Tensor read = use == EncoderOutputUse.MaxOverValidSteps
                ? output.masked_fill(valid.logical_not(), double.NegativeInfinity).amax(new long[] { 1 })
                : output.gather(1, (lengths - 1).view(-1, 1, 1).expand(Batch, 1, 2 * Hidden)).squeeze(1) + output.select(1, 0);
            (read * read).sum().backward();
            results.Add((read.detach(), input.grad!.clone(), encoder.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.clone())));
        }
        Assert.True(TensorAssert.Identical(results[0].Read, results[1].Read), "values read");
        Assert.True(TensorAssert.Identical(results[0].InputGrad, results[1].InputGrad), "gradient w.r.t. the input");
        foreach (var (name, grad) in results[0].Grads) Assert.True(TensorAssert.Identical(grad, results[1].Grads[name]), "gradient of " + name);
    }
}
