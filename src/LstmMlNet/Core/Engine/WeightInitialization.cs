namespace LstmMlNet;

/// <summary>How a weight matrix of a recurrent layer is initialised. Each gate's block
/// (rows <c>[k·H, (k+1)·H)</c>) is initialised on its own.</summary>
public enum WeightInitialization
{
    /// <summary>Glorot/Xavier uniform, U(−a, a) with a = √(6 / (fan_in + fan_out)) (Glorot &amp; Bengio 2010).</summary>
    XavierUniform,

    /// <summary>A (semi-)orthogonal matrix (Saxe et al. 2014): singular values 1, so repeated products neither
    /// explode nor vanish at initialisation.</summary>
    Orthogonal,

    /// <summary>PyTorch's default for recurrent modules: U(−1/√H, 1/√H).</summary>
    PyTorchUniform,
}
