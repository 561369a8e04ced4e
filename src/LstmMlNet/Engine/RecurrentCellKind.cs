namespace LstmMlNet.Engine;

/// <summary>
/// The recurrent cell a layer runs. Gate rows of the weight matrices follow PyTorch's order
/// (LSTM: i, f, g, o; GRU: r, z, n), so weights compare one to one with libtorch modules.
/// </summary>
public enum RecurrentCellKind
{
    /// <summary>Long short-term memory with a forget gate (Gers et al. 2000 form, as in PyTorch):
    /// i = σ(W_i x + U_i h + b_i), f = σ(W_f x + U_f h + b_f), g = tanh(W_g x + U_g h + b_g),
    /// o = σ(W_o x + U_o h + b_o), c' = f ⊙ c + i ⊙ g, h' = o ⊙ tanh(c'). Fused path available.</summary>
    Lstm,

    /// <summary>Gated recurrent unit in the PyTorch/cuDNN form: the reset gate is applied after the
    /// recurrent matrix product, n = tanh(W_n x + b_in + r ⊙ (U_n h + b_hn)), h' = (1 − z) ⊙ n + z ⊙ h.
    /// Fused path available; exported to ONNX with linear_before_reset = 1.</summary>
    Gru,

    /// <summary>Elman RNN, h' = tanh(W x + U h + b). Fused path available.</summary>
    RnnTanh,

    /// <summary>Elman RNN with ReLU, h' = max(0, W x + U h + b). Fused path available.</summary>
    RnnRelu,
}
