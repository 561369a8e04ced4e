namespace LstmMlNet.Engine;

/// <summary>What each <see cref="RecurrentCellKind"/> has: a fused libtorch kernel, a cell state, a forget gate,
/// peephole weights, and which family (LSTM, GRU, Elman RNN) it belongs to.</summary>
internal static class CellTraits
{
    /// <summary>True for the cells torch.nn.LSTM/GRU/RNN run (<see cref="RecurrentCellKind.Lstm"/>,
    /// <see cref="RecurrentCellKind.Gru"/>, <see cref="RecurrentCellKind.RnnTanh"/>, <see cref="RecurrentCellKind.RnnRelu"/>).</summary>
    public static bool HasFusedKernel(RecurrentCellKind cell) => cell is RecurrentCellKind.Lstm or RecurrentCellKind.Gru
        or RecurrentCellKind.RnnTanh or RecurrentCellKind.RnnRelu;

    /// <summary>True for the LSTM family, which carries a cell state c.</summary>
    public static bool IsLstm(RecurrentCellKind cell) => cell is RecurrentCellKind.Lstm or RecurrentCellKind.PeepholeLstm
        or RecurrentCellKind.Lstm1997 or RecurrentCellKind.CifgLstm;

    /// <summary>True for the GRU family (gates r, z, n).</summary>
    public static bool IsGru(RecurrentCellKind cell) => cell is RecurrentCellKind.Gru or RecurrentCellKind.ChoGru;

    /// <summary>True when the cell has a forget gate f: LSTM, peephole LSTM, and CIFG (where f = 1 − i is recorded).
    /// The 1997 LSTM has none.</summary>
    public static bool HasForgetGate(RecurrentCellKind cell) => cell is RecurrentCellKind.Lstm or RecurrentCellKind.PeepholeLstm
        or RecurrentCellKind.CifgLstm;

    /// <summary>Peephole weights per layer and direction: 3H for <see cref="RecurrentCellKind.PeepholeLstm"/>, else 0.</summary>
    public static int PeepholeSize(RecurrentCellKind cell, int hiddenSize) => cell == RecurrentCellKind.PeepholeLstm ? 3 * hiddenSize : 0;

    /// <summary>The names a <see cref="GateRecorder"/> receives for the cell's gates, in order (state "c" and "h" excluded).</summary>
    public static string[] GateNames(RecurrentCellKind cell) => cell switch
    {
        RecurrentCellKind.Lstm or RecurrentCellKind.PeepholeLstm or RecurrentCellKind.CifgLstm => new[] { "i", "f", "g", "o" },
        RecurrentCellKind.Lstm1997 => new[] { "i", "g", "o" },
        RecurrentCellKind.Gru or RecurrentCellKind.ChoGru => new[] { "r", "z", "n" },
        _ => new[] { "h" },
    };
}
