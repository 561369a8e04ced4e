using static TorchSharp.torch;

namespace LstmMlNet.Engine;

/// <summary>The weights of one layer and direction, PyTorch layout: <c>InputWeight</c> [G·H, I],
/// <c>RecurrentWeight</c> [G·H, H], biases [G·H], where G is the cell's gate count; <c>Peephole</c> [3H] in the order
/// (p_i, p_f, p_o) for the peephole LSTM, null for every other cell.</summary>
internal sealed record CellWeights(Tensor InputWeight, Tensor RecurrentWeight, Tensor? InputBias, Tensor? RecurrentBias, Tensor? Peephole = null);
