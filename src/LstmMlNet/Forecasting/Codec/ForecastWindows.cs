using LstmMlNet.Forecasting;

namespace LstmMlNet.Data;

/// <summary>The windows of a fit: where each came from with its (m, s), its scaled targets, and its network frames, made
/// when read.</summary>
internal sealed class ForecastWindows(ForecastLayout layout)
{
    private readonly List<float> targets = new();

    public ForecastLayout Layout => layout;

    /// <summary>Every complete window of every series, split at each series' validation tail: training windows
    /// (targets before the tail), calibration windows (starting at or after the tail's start) and, when
    /// <paramref name="includeAll"/>, all complete windows (for the refit). A window whose targets include a row filled into
    /// a gap in time (<see cref="ForecastGapFill"/>) is none of these: filled rows are inputs only.</summary>
    public static (ForecastWindows Train, ForecastWindows Calibration, ForecastWindows? All) Collect(
        ForecastLayout layout, IReadOnlyList<Series> series, int[] tails, bool includeAll)
    {
        var train = new ForecastWindows(layout);
        var calibration = new ForecastWindows(layout);
        ForecastWindows? all = includeAll ? new ForecastWindows(layout) : null;
        foreach (var (s, end, part) in Ends(layout, series, tails))
        {
            all?.Add(s, end);
            if (part == Part.Training) train.Add(s, end);
            else if (part == Part.Calibration) calibration.Add(s, end);
        }
        return (train, calibration, all);
    }

    /// <summary>Which part of a series' rows a window's targets fall in.</summary>
    internal enum Part
    {
        /// <summary>Before the validation tail.</summary>
        Training,

        /// <summary>Starting at or after the tail's start.</summary>
        Calibration,

        /// <summary>Across the tail's start: in neither set (the refit's only).</summary>
        Straddling,
    }

    /// <summary>Every complete window of every series — window [end − W, end), targets [end, end + h) — whose targets hold no
    /// row filled into a gap, with the part its targets fall in: the one enumeration behind <see cref="Collect"/> and the
    /// planner's count of training windows.</summary>
    public static IEnumerable<(Series Series, int End, Part Part)> Ends(ForecastLayout layout, IReadOnlyList<Series> series, int[] tails)
    {
        int w = layout.WindowSize, h = layout.Horizon;
        for (int i = 0; i < series.Count; i++)
        {
            Series s = series[i];
            int trainEnd = s.Length - tails[i]; // observations [0, trainEnd) are training rows
            for (int end = w; end + h <= s.Length; end++)
            {
                if (s.AnyFilled(end, h)) continue;
                yield return (s, end, end + h <= trainEnd ? Part.Training : end >= trainEnd ? Part.Calibration : Part.Straddling);
            }
        }
    }

    /// <summary>The network frames of window i (Steps·F floats), encoded when read: a fit holds each window's origin, (m, s)
    /// and targets (h floats), not its frames, so memory and encoding time follow the windows an epoch draws rather than
    /// all of them (M4 hourly at W 186: 237,580 windows of 2,106 frame values).</summary>
    public IReadOnlyList<float[]> Frames => frames ??= new EncodedFrames(this);

    private EncodedFrames? frames;

    public List<(Series Series, int End, float M, float S)> Origins { get; } = new();

    public int Count => Origins.Count;

    /// <summary>Adds the window [end − W, end) of <paramref name="s"/> with the targets [end, end + h): its (m, s) and scaled
    /// targets now, its frames when read (<see cref="Frames"/>).</summary>
    public void Add(Series s, int end)
    {
        int w = layout.WindowSize, h = layout.Horizon;
        ReadOnlySpan<float> window = s.Values.AsSpan(end - w, w);
        var (m, scale) = layout.ScaleOf(layout.Series(window)); // as Encode computes them
        targets.AddRange(layout.Targets(window, s.Values.AsSpan(end, h), m, scale));
        Origins.Add((s, end, m, scale));
    }

    /// <summary>The frames of window <paramref name="i"/>, as <see cref="ForecastLayout.Encode"/> makes them.</summary>
    private float[] Encode(int i)
    {
        var (s, end, _, _) = Origins[i];
        int w = layout.WindowSize, h = layout.Horizon, c = layout.Covariates, cp = layout.PastCovariates;
        ReadOnlySpan<float> window = s.Values.AsSpan(end - w, w);
        ReadOnlySpan<float> covariates = c == 0 ? ReadOnlySpan<float>.Empty : s.Covariates.AsSpan((end - w) * c, (w + h) * c);
        ReadOnlySpan<float> past = cp == 0 ? ReadOnlySpan<float>.Empty : s.PastCovariates.AsSpan((end - w) * cp, w * cp);
        ReadOnlySpan<long> times = layout.HasTimestamps ? s.Timestamps.AsSpan(end - w, w + h) : ReadOnlySpan<long>.Empty;
        return layout.Encode(window, covariates, past, times).Frames;
    }

    /// <summary>The windows as a training set whose frames are encoded when a batch reads them.</summary>
    public SequenceDataset ToDataset() => SequenceDataset.FromUniformFrames(Frames, layout.FrameSize, layout.Steps, targets.ToArray(), layout.Horizon);

    /// <summary>Frames made on each read (pure: the series' arrays are only read, so batches may be built on any thread).</summary>
    private sealed class EncodedFrames(ForecastWindows windows) : IReadOnlyList<float[]>
    {
        public float[] this[int index] => windows.Encode(index);

        public int Count => windows.Count;

        public IEnumerator<float[]> GetEnumerator()
        {
            for (int i = 0; i < Count; i++) yield return this[i];
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
