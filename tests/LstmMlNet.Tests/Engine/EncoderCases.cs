using LstmMlNet.Engine;
using static TorchSharp.torch;

namespace LstmMlNet.Tests.Engine;

/// <summary>The small padded batch and the architecture grid the encoder tests share.</summary>
internal static class EncoderCases
{
    public const int Batch = 4, Steps = 7, Input = 5, Hidden = 6;

    /// <summary>Lengths of the batch's rows: full, short, a single step, and one in between.</summary>
    public static readonly long[] Lengths = { 7, 3, 1, 5 };

    /// <summary>Every cell × 1 or 3 layers × one or both directions.</summary>
    public static TheoryData<RecurrentCellKind, int, bool> Architectures(params RecurrentCellKind[] cells)
    {
        var data = new TheoryData<RecurrentCellKind, int, bool>();
        foreach (var cell in cells)
            foreach (int layers in new[] { 1, 3 })
                foreach (bool bi in new[] { false, true })
                    data.Add(cell, layers, bi);
        return data;
    }

    /// <summary>A copy of <paramref name="x"/> [Batch, Steps, Input] with large random values after each row's length.</summary>
    public static Tensor WithGarbageInPadding(Tensor x)
    {
        Tensor noisy = x.clone();
        for (int b = 0; b < Batch; b++)
        {
            long len = Lengths[b];
            if (len < Steps) noisy[b].narrow(0, len, Steps - len).copy_(randn(Steps - len, Input) * 100);
        }
        return noisy;
    }
}
