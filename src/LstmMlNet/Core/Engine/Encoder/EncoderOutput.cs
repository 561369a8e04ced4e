using static TorchSharp.torch;

namespace LstmMlNet.Engine;

/// <summary>What a recurrent encoder returns.</summary>
/// <param name="Output">Per-step outputs of the last layer, [B, T, directions·H]; steps past a sequence's
/// length are zero. For a bidirectional encoder the forward direction fills [.., :H], the backward [.., H:].</param>
/// <param name="HiddenState">Final hidden state of every layer and direction, [layers·directions, B, H]
/// (PyTorch order: layer-major, forward before backward); for each sequence, the state at its own last step.</param>
/// <param name="CellState">Final LSTM cell state, same shape; null for GRU and RNN, and for an LSTM run without
/// asking for it (<c>finalCellState: false</c>) where the encoder took its padded training path.</param>
internal sealed record EncoderOutput(Tensor Output, Tensor HiddenState, Tensor? CellState);
