using LstmMlNet.Reference;

namespace LstmMlNet.Tests.Reference;

/// <summary>The reference rejects mismatched shapes and mixed-up passes with errors naming the argument.</summary>
public sealed class ReferenceArgumentTests
{
    private static RecurrentParameters Weights(int gates) => RecurrentParameters.Zeros(gates, inputSize: 2, hiddenSize: 3);

    [Fact]
    public void A_cell_rejects_weights_with_another_gate_count()
    {
        var error = Assert.Throws<ArgumentException>(() => new LstmReference(Weights(GruReference.GateCount)));
        Assert.Equal("parameters", error.ParamName);
        Assert.Contains("4 gate block(s)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Weights_of_the_wrong_length_are_named()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            new RecurrentParameters(3, 2, 3, new double[18], new double[27], new double[9], new double[8]));
        Assert.Equal("recurrentBias", error.ParamName);
        Assert.Contains("expected 9 values", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Forward_checks_inputs_and_states()
    {
        var gru = new GruReference(Weights(GruReference.GateCount));
        Assert.Equal("inputs", Assert.Throws<ArgumentException>(() => gru.Forward(new double[11], steps: 3, batch: 2)).ParamName);
        Assert.Equal("steps", Assert.Throws<ArgumentOutOfRangeException>(() => gru.Forward(new double[0], steps: 0, batch: 2)).ParamName);
        Assert.Equal("initialHidden", Assert.Throws<ArgumentException>(() => gru.Forward(new double[12], 3, 2, new double[5])).ParamName);
        Assert.Equal("initialCell", Assert.Throws<ArgumentException>(() => gru.Forward(new double[12], 3, 2, null, new double[6])).ParamName);
    }

    [Fact]
    public void Backward_takes_only_its_own_pass_and_matching_gradients()
    {
        var first = new RnnReference(Weights(RnnReference.GateCount));
        var second = new RnnReference(Weights(RnnReference.GateCount));
        ForwardPass pass = first.Forward(new double[12], 3, 2);
        Assert.Equal("forward", Assert.Throws<ArgumentException>(() => second.Backward(pass, null)).ParamName);
        Assert.Equal("outputGradients", Assert.Throws<ArgumentException>(() => first.Backward(pass, new double[17])).ParamName);
        Assert.Equal("finalCellGradient", Assert.Throws<ArgumentException>(() => first.Backward(pass, null, null, new double[6])).ParamName);
    }

    [Fact]
    public void Zero_initial_states_and_null_gradients_give_zero_gradients()
    {
        var lstm = new LstmReference(Weights(LstmReference.GateCount));
        ForwardPass pass = lstm.Forward(new double[12], 3, 2);
        RecurrentGradients grads = lstm.Backward(pass, null);
        Assert.Equal(6, pass.FinalCell!.Length);
        Assert.All(grads.Parameters.InputWeight, g => Assert.Equal(0.0, g));
        Assert.All(grads.InitialCell!, g => Assert.Equal(0.0, g));
    }
}
