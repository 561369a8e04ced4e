using static TorchSharp.torch;

namespace LstmMlNet.Data;

/// <summary>A padded mini-batch. <c>Inputs</c>: int64 ids [B, T] or float frames [B, T, F] on the training device;
/// <c>Lengths</c>: int64 [B] on the CPU; <c>Targets</c>: int64 classes [B], floats [B, K], or per-step floats [B, T, K].</summary>
internal sealed record SequenceBatch(Tensor Inputs, Tensor Lengths, Tensor Targets, int Count);
