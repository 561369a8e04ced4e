using LstmMlNet.Engine;
using LstmMlNet.Tests.Infrastructure;
using static TorchSharp.torch;

namespace LstmMlNet.Tests.Engine;

public sealed class InitializationTests
{
    private const int Input = 10, Hidden = 16;

    [Fact]
    public void Lstm_defaults_forget_bias_one_orthogonal_recurrent_and_xavier_input_blocks()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(1);
        var encoder = new RecurrentEncoder(new EncoderSpec(RecurrentCellKind.Lstm, Input, Hidden, Layers: 2, Bidirectional: true));
        double xavierBound = Math.Sqrt(6.0 / (Input + Hidden));
        for (int direction = 0; direction < 2; direction++)
        {
            CellWeights w = encoder.Weights(0, direction);
            // Gate order i, f, g, o: only the forget block of b_ih is 1; b_hh is all zero.
            double[] bias = w.InputBias!.data<float>().Select(v => (double)v).ToArray();
            for (int k = 0; k < 4 * Hidden; k++) Assert.Equal(k >= Hidden && k < 2 * Hidden ? 1.0 : 0.0, bias[k]);
            Assert.Equal(0.0, TensorAssert.MaxAbs(w.RecurrentBias!));
            for (int gate = 0; gate < 4; gate++)
            {
                Tensor u = w.RecurrentWeight.narrow(0, gate * Hidden, Hidden);
                TensorAssert.Close(eye(Hidden), u.matmul(u.t()), 1e-5, $"U block {gate} orthogonal");
                Tensor win = w.InputWeight.narrow(0, gate * Hidden, Hidden);
                Assert.True(TensorAssert.MaxAbs(win) <= xavierBound, "input block within the Xavier bound");
                Assert.True(TensorAssert.MaxAbs(win) > 0.5 * xavierBound, "input block spread like Xavier");
            }
        }
    }

    [Theory]
    [InlineData(RecurrentCellKind.Gru)]
    [InlineData(RecurrentCellKind.RnnTanh)]
    public void Non_lstm_cells_start_with_zero_biases(RecurrentCellKind cell)
    {
        using var scope = NewDisposeScope();
        var encoder = new RecurrentEncoder(new EncoderSpec(cell, Input, Hidden));
        CellWeights w = encoder.Weights(0, 0);
        Assert.Equal(0.0, TensorAssert.MaxAbs(w.InputBias!));
        Assert.Equal(0.0, TensorAssert.MaxAbs(w.RecurrentBias!));
    }

    [Fact]
    public void Initialisation_is_switchable()
    {
        using var scope = NewDisposeScope();
        var custom = new RecurrentInitialization { InputWeights = WeightInitialization.Orthogonal, RecurrentWeights = WeightInitialization.PyTorchUniform, ForgetGateBias = 2.5 };
        var encoder = new RecurrentEncoder(new EncoderSpec(RecurrentCellKind.Lstm, Hidden, Hidden, Initialization: custom));
        CellWeights w = encoder.Weights(0, 0);
        Tensor block = w.InputWeight.narrow(0, 0, Hidden);
        TensorAssert.Close(eye(Hidden), block.matmul(block.t()), 1e-5, "orthogonal input block");
        Assert.True(TensorAssert.MaxAbs(w.RecurrentWeight) <= 1.0 / Math.Sqrt(Hidden));
        Assert.Equal(2.5f, w.InputBias![Hidden].item<float>());

        var libtorch = new RecurrentEncoder(new EncoderSpec(RecurrentCellKind.Lstm, Input, Hidden, Initialization: new RecurrentInitialization { UseLibTorchDefaults = true }));
        Tensor b = libtorch.Weights(0, 0).InputBias!;
        Assert.True(TensorAssert.MaxAbs(b) > 0, "libtorch's own uniform biases are kept");
        Assert.True(TensorAssert.MaxAbs(b) <= 1.0 / Math.Sqrt(Hidden));
    }
}
