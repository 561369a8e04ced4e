namespace LstmMlNet.Engine;

/// <summary>How a recurrent encoder runs its cells over time.</summary>
internal enum RecurrentPath
{
    /// <summary>Fused libtorch kernels (torch.nn.LSTM/GRU/RNN): fastest. Rows of mixed lengths run packed, or, while
    /// training on the CPU, padded with one call per layer and direction (exact either way).
    /// Falls back to <see cref="Explicit"/> for cells libtorch has no fused kernel for.</summary>
    Fused,

    /// <summary>Per-step loop written from the gate equations (linear, σ, tanh, ⊙): slower, but it
    /// exposes every gate at every step, for variants and diagnostics.</summary>
    Explicit,
}
