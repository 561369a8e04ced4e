using static TorchSharp.torch;

namespace LstmMlNet.Engine;

/// <summary>One step of a recurrent cell, written from its gate equations. The input projection
/// <c>W x_t + b_ih</c> is computed for all steps at once by the caller; a step adds the recurrent part.</summary>
internal interface IRecurrentCell
{
    /// <summary>Number of gate blocks G in the weight matrices (LSTM and peephole LSTM 4; GRU, Cho GRU, 1997 and
    /// CIFG LSTM 3; RNN 1).</summary>
    int GateCount { get; }

    /// <summary>True when the cell carries a cell state c besides h (every LSTM variant).</summary>
    bool HasCellState { get; }

    /// <summary>Advances one step. <paramref name="inputProjection"/>: [B, G·H]; <paramref name="h"/>,
    /// <paramref name="c"/>: [B, H]. Returns the new (h, c); c is null for cells without a cell state.</summary>
    (Tensor H, Tensor? C) Step(Tensor inputProjection, Tensor h, Tensor? c, CellWeights weights, GateRecorder? recorder);
}
