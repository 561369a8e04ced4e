using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace LstmMlNet.Engine;

/// <summary>
/// Spans over the float32 memory of contiguous CPU tensors, for the vectorised passes of <see cref="CpuLstmLayer"/>,
/// <see cref="SubwordBag"/> and
/// <see cref="CpuGruLayer"/>. A span covers the whole tensor from its first element; callers slice it by element
/// offsets (never take a span of a strided view).
/// </summary>
internal static class CpuLayerMemory
{
    /// <summary>The elements of <paramref name="t"/> (float32, CPU, contiguous), writable. The caller keeps the tensor
    /// alive while it uses the span.</summary>
    public static Span<float> Floats(Tensor t)
    {
        if (t.dtype != ScalarType.Float32 || t.device_type != DeviceType.CPU || !t.is_contiguous())
            throw new ArgumentException("Expected a contiguous float32 CPU tensor.", nameof(t));
        return MemoryMarshal.Cast<byte, float>(t.bytes);
    }

    /// <summary>A new contiguous time-major copy [T, B, D] of the batch-first <paramref name="x"/> [B, T, D].</summary>
    public static Tensor TimeMajor(Tensor x) =>
        empty(new[] { x.shape[1], x.shape[0], x.shape[2] }, ScalarType.Float32).copy_(x.transpose(0, 1));

    /// <summary>Whether the CPU layers run these tensors: float32 on the CPU.</summary>
    public static bool Supports(Tensor input, CellWeights w) =>
        input.device_type == DeviceType.CPU && input.dtype == ScalarType.Float32
        && w.InputWeight.device_type == DeviceType.CPU && w.InputWeight.dtype == ScalarType.Float32
        && w.InputBias is not null && w.RecurrentBias is not null && w.Peephole is null;
}
