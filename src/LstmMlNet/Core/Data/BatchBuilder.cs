using LstmMlNet.Engine;
using static TorchSharp.torch;

namespace LstmMlNet.Data;

/// <summary>Pads the sequences of one batch into tensors (padding value 0, which lengths mask out).</summary>
internal static class BatchBuilder
{
    public static SequenceBatch Build(SequenceDataset data, IReadOnlyList<int> indices, Device device)
    {
        int b = indices.Count;
        int steps = indices.Max(data.Length);
        var lengths = new long[b];
        for (int k = 0; k < b; k++) lengths[k] = data.Length(indices[k]);

        Tensor inputs;
        if (data.Kind == SequenceInputKind.Tokens)
        {
            var ids = new long[b * steps];
            for (int k = 0; k < b; k++) data.Tokens![indices[k]].CopyTo(ids, k * steps);
            inputs = tensor(ids, new long[] { b, steps }, device: device);
        }
        else
        {
            int f = data.FrameSize;
            var values = new float[b * steps * f];
            for (int k = 0; k < b; k++) data.Frames![indices[k]].CopyTo(values, k * steps * f);
            inputs = tensor(values, new long[] { b, steps, f }, device: device);
        }

        Tensor targets;
        int size = data.TargetSize;
        if (data.Classes is not null)
        {
            targets = tensor(indices.Select(i => data.Classes[i]).ToArray(), device: device);
        }
        else if (data.Targets is not null)
        {
            var t = new float[b * size];
            for (int k = 0; k < b; k++) Array.Copy(data.Targets, indices[k] * size, t, k * size, size);
            targets = tensor(t, new long[] { b, size }, device: device);
        }
        else
        {
            var t = new float[b * steps * size];
            for (int k = 0; k < b; k++) data.StepTargets![indices[k]].CopyTo(t, k * steps * size);
            targets = tensor(t, new long[] { b, steps, size }, device: device);
        }
        return new SequenceBatch(inputs, tensor(lengths), targets, b);
    }
}
