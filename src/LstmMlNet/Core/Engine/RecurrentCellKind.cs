namespace LstmMlNet;

/// <summary>
/// The recurrent cell a layer runs. Gate rows of the weight matrices follow PyTorch's order
/// (LSTM: i, f, g, o; GRU: r, z, n), so weights compare one to one with libtorch modules.
/// The LSTM and GRU variants after <see cref="RnnRelu"/> have no fused libtorch kernel: the encoder runs them on
/// the explicit path (the gate equations stepped one time step at a time) whatever path is asked for.
/// Every cell keeps two bias vectors per gate block, b_ih (in W x + b_ih) and b_hh (in U h + b_hh), as PyTorch.
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

    /// <summary>LSTM with peephole connections (Gers &amp; Schmidhuber 2000): the gates also see the cell state through
    /// diagonal weights p_i, p_f, p_o [H] each, i = σ(W_i x + U_i h + p_i ⊙ c + b_i), f = σ(W_f x + U_f h + p_f ⊙ c + b_f),
    /// g = tanh(W_g x + U_g h + b_g), c' = f ⊙ c + i ⊙ g, o = σ(W_o x + U_o h + p_o ⊙ c' + b_o), h' = o ⊙ tanh(c')
    /// — i and f see the previous cell state c, o sees the new one c'. Weights as <see cref="Lstm"/> (gate order i, f, g, o)
    /// plus the peephole vector <c>weight_peephole</c> [3H] in the order (p_i, p_f, p_o): 3H more parameters per layer and
    /// direction. Explicit path only; exported as an ONNX LSTM with its optional peephole input P [dirs, 3H] (order i, o, f).</summary>
    PeepholeLstm,

    /// <summary>LSTM of Hochreiter &amp; Schmidhuber (1997), without a forget gate: the cell state is a constant error carousel,
    /// i = σ(W_i x + U_i h + b_i), g = tanh(W_g x + U_g h + b_g), o = σ(W_o x + U_o h + b_o), c' = c + i ⊙ g,
    /// h' = o ⊙ tanh(c') (tanh for both squashing functions, as in later LSTMs). Three gate blocks in the order i, g, o:
    /// weights [3H, I] and [3H, H]. Explicit path only; exported as an ONNX LSTM whose forget gate has zero weights and
    /// a bias of 10⁴, so that σ gives exactly 1.0 in float32 and c' = 1.0 · c + i ⊙ g is the same sum.</summary>
    Lstm1997,

    /// <summary>LSTM with a coupled input and forget gate (CIFG; Greff et al. 2017): f = 1 − i,
    /// i = σ(W_i x + U_i h + b_i), g = tanh(W_g x + U_g h + b_g), o = σ(W_o x + U_o h + b_o),
    /// c' = (1 − i) ⊙ c + i ⊙ g, h' = o ⊙ tanh(c'). Three gate blocks in the order i, g, o: weights [3H, I] and [3H, H].
    /// Explicit path only; exported as an ONNX LSTM with input_forget = 1 (forget weights unused and written as zeros).</summary>
    CifgLstm,

    /// <summary>Gated recurrent unit as in Cho et al. (2014): the reset gate is applied before the recurrent matrix
    /// product, r = σ(W_r x + U_r h + b_r), z = σ(W_z x + U_z h + b_z), n = tanh(W_n x + b_in + U_n (r ⊙ h) + b_hn),
    /// h' = (1 − z) ⊙ n + z ⊙ h. Same weights and gate order (r, z, n) as <see cref="Gru"/>.
    /// Explicit path only; exported to ONNX with linear_before_reset = 0.</summary>
    ChoGru,
}
