namespace LstmMlNet;

/// <summary>How per-step encoder outputs become one vector per sequence.</summary>
public enum PoolingKind
{
    /// <summary>The last valid step. Bidirectional: the forward direction's output at the sequence's last valid
    /// step joined with the backward direction's output at step 0 (each direction's final state).</summary>
    Last,

    /// <summary>Mean over the valid steps only.</summary>
    Mean,

    /// <summary>Element-wise maximum over the valid steps only.</summary>
    Max,

    /// <summary>Additive (Bahdanau-style) attention: e_t = vᵀ tanh(W o_t + b), α = softmax over valid steps,
    /// pooled = Σ α_t o_t. The weights α are returned with the pooled vector.</summary>
    Attention,
}
