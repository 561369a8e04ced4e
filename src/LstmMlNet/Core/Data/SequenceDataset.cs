using LstmMlNet.Engine;

namespace LstmMlNet.Data;

/// <summary>
/// Sequences held in memory after one pass over an IDataView, with their targets. Token sequences are int64 ids;
/// frame sequences are flattened float arrays of length steps × <see cref="FrameSize"/>. Targets are either a class
/// index per sequence, <see cref="TargetSize"/> floats per sequence, or <see cref="TargetSize"/> floats per step.
/// </summary>
internal sealed class SequenceDataset
{
    private SequenceDataset(SequenceInputKind kind, int frameSize, IReadOnlyList<long[]>? tokens, IReadOnlyList<float[]>? frames,
        long[]? classes, float[]? targets, IReadOnlyList<float[]>? stepTargets, int targetSize, int uniformSteps = 0)
    {
        UniformSteps = uniformSteps;
        Kind = kind;
        FrameSize = frameSize;
        Tokens = tokens;
        Frames = frames;
        Classes = classes;
        Targets = targets;
        StepTargets = stepTargets;
        TargetSize = targetSize;
        Count = tokens?.Count ?? frames!.Count;
        if (classes is not null && classes.Length != Count) throw new ArgumentException("One class per sequence is needed.", nameof(classes));
        if (targets is not null && targets.Length != Count * targetSize) throw new ArgumentException($"{targetSize} targets per sequence are needed.", nameof(targets));
        if (stepTargets is not null && stepTargets.Count != Count) throw new ArgumentException("Step targets are needed for every sequence.", nameof(stepTargets));
        if (uniformSteps > 0)
        {
            if (stepTargets is not null) throw new ArgumentException("Sequences of one length take targets per sequence.", nameof(stepTargets));
            return; // every sequence has uniformSteps steps: the frames are not read (they may be made on demand)
        }
        for (int i = 0; i < Count; i++)
        {
            if (Length(i) == 0) throw new ArgumentException($"Sequence {i} is empty.");
            if (stepTargets is not null && stepTargets[i].Length != Length(i) * targetSize)
                throw new ArgumentException($"Sequence {i} has {Length(i)} steps but {stepTargets[i].Length} step targets (expected {targetSize} per step).");
        }
    }

    public SequenceInputKind Kind { get; }

    public int FrameSize { get; }

    public IReadOnlyList<long[]>? Tokens { get; }

    public IReadOnlyList<float[]>? Frames { get; }

    /// <summary>Class index per sequence (0-based), for classifiers.</summary>
    public long[]? Classes { get; }

    /// <summary><see cref="TargetSize"/> floats per sequence, row-major.</summary>
    public float[]? Targets { get; }

    /// <summary><see cref="TargetSize"/> floats per step of each sequence.</summary>
    public IReadOnlyList<float[]>? StepTargets { get; }

    public int TargetSize { get; }

    public int Count { get; }

    /// <summary>The steps of every sequence when they all have the same number (frames made on demand, e.g. a forecaster's
    /// windows, <see cref="FromUniformFrames"/>); 0 when each sequence's length is read from it.</summary>
    public int UniformSteps { get; }

    public int Length(int index) => UniformSteps > 0 ? UniformSteps : Tokens is not null ? Tokens[index].Length : Frames![index].Length / FrameSize;

    /// <summary>Sequences of <paramref name="steps"/> frames each whose values <paramref name="frames"/> may make when read
    /// (each element steps × <paramref name="frameSize"/> floats; not read here), with <paramref name="targetSize"/> targets
    /// each: a forecaster's windows, encoded when a batch reads them rather than all at once.</summary>
    public static SequenceDataset FromUniformFrames(IReadOnlyList<float[]> frames, int frameSize, int steps, float[] targets, int targetSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(frameSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        return new(SequenceInputKind.Frames, frameSize, null, frames, null, targets, null, targetSize, steps);
    }

    /// <summary>The same sequences with every frame array read once and held (for a small sample read every epoch).</summary>
    public SequenceDataset Materialized() => Frames is null || UniformSteps == 0 ? this
        : new SequenceDataset(Kind, FrameSize, null, Frames.ToArray(), Classes, Targets, null, TargetSize, UniformSteps);

    public static SequenceDataset FromTokens(IReadOnlyList<long[]> tokens, long[] classes) =>
        new(SequenceInputKind.Tokens, 0, tokens, null, classes, null, null, 1);

    public static SequenceDataset FromTokens(IReadOnlyList<long[]> tokens, float[] targets, int targetSize) =>
        new(SequenceInputKind.Tokens, 0, tokens, null, null, targets, null, targetSize);

    public static SequenceDataset FromFrames(IReadOnlyList<float[]> frames, int frameSize, long[] classes) =>
        new(SequenceInputKind.Frames, CheckFrames(frames, frameSize), null, frames, classes, null, null, 1);

    public static SequenceDataset FromFrames(IReadOnlyList<float[]> frames, int frameSize, float[] targets, int targetSize) =>
        new(SequenceInputKind.Frames, CheckFrames(frames, frameSize), null, frames, null, targets, null, targetSize);

    public static SequenceDataset FromFramesWithStepTargets(IReadOnlyList<float[]> frames, int frameSize, IReadOnlyList<float[]> stepTargets, int targetSize) =>
        new(SequenceInputKind.Frames, CheckFrames(frames, frameSize), null, frames, null, null, stepTargets, targetSize);

    private static int CheckFrames(IReadOnlyList<float[]> frames, int frameSize)
    {
        if (frameSize <= 0) throw new ArgumentOutOfRangeException(nameof(frameSize), frameSize, "Frame size must be a positive integer.");
        for (int i = 0; i < frames.Count; i++)
        {
            if (frames[i].Length % frameSize != 0)
                throw new ArgumentException($"Sequence {i} has {frames[i].Length} values, not a multiple of the frame size {frameSize}.", nameof(frames));
        }
        return frameSize;
    }

    /// <summary>The sequences at <paramref name="indices"/>, in that order.</summary>
    public SequenceDataset Subset(IReadOnlyList<int> indices)
    {
        float[]? targets = null;
        if (Targets is not null)
        {
            targets = new float[indices.Count * TargetSize];
            for (int k = 0; k < indices.Count; k++) Array.Copy(Targets, indices[k] * TargetSize, targets, k * TargetSize, TargetSize);
        }
        return new SequenceDataset(Kind, FrameSize,
            Tokens is null ? null : indices.Select(i => Tokens[i]).ToArray(),
            Frames is null ? null : UniformSteps > 0 ? new Selection<float[]>(Frames, indices.ToArray()) : indices.Select(i => Frames[i]).ToArray(),
            Classes is null ? null : indices.Select(i => Classes[i]).ToArray(),
            targets,
            StepTargets is null ? null : indices.Select(i => StepTargets[i]).ToArray(),
            TargetSize, UniformSteps);
    }

    /// <summary>A seeded random split: (the rest, a held-out part of round(fraction · Count) sequences, at least 1).</summary>
    public (SequenceDataset Train, SequenceDataset Validation) Split(double fraction, int seed)
    {
        if (!(fraction > 0 && fraction < 1)) throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "The validation fraction must be in (0, 1).");
        int held = Math.Max(1, (int)Math.Round(fraction * Count));
        if (held >= Count) throw new InvalidOperationException($"Cannot hold out {held} of {Count} sequences for validation and still train.");
        int[] order = Enumerable.Range(0, Count).ToArray();
        new Random(seed).Shuffle(order);
        return (Subset(order[held..]), Subset(order[..held]));
    }
}

/// <summary>The elements of <paramref name="source"/> at <paramref name="indices"/>, read through (nothing copied), so a subset
/// of frames made on demand stays on demand.</summary>
internal sealed class Selection<T>(IReadOnlyList<T> source, int[] indices) : IReadOnlyList<T>
{
    public T this[int index] => source[indices[index]];

    public int Count => indices.Length;

    public IEnumerator<T> GetEnumerator()
    {
        foreach (int i in indices) yield return source[i];
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
