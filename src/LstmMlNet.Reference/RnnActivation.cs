namespace LstmMlNet.Reference;

/// <summary>The nonlinearity φ of the vanilla (Elman) RNN, as libtorch's <c>nonlinearity</c> argument of <c>torch.nn.RNN</c>.</summary>
public enum RnnActivation
{
    /// <summary>φ(a) = tanh(a), φ'(a) = 1 − tanh²(a). libtorch's default.</summary>
    Tanh,

    /// <summary>φ(a) = max(0, a), φ'(a) = 1 for a &gt; 0 and 0 otherwise (0 at a = 0, as libtorch).</summary>
    Relu,
}
