namespace LstmMlNet.Benchmarks;

/// <summary>One observation of one series of a panel: the rows <c>ForecastByLstm</c> reads with a series-id column.</summary>
public sealed class PanelRow
{
    public string SeriesId { get; set; } = string.Empty;

    public float Value { get; set; }
}

/// <summary>A <see cref="PanelRow"/> with its time, for models with calendar inputs.</summary>
public sealed class TimedPanelRow
{
    public string SeriesId { get; set; } = string.Empty;

    public float Value { get; set; }

    public DateTime Time { get; set; }
}

/// <summary>
/// A seeded synthetic panel of hourly-like series for the scale benchmarks: per series a level drawn from a log-normal
/// (median e⁵ ≈ 148, σ = 1: levels from a few units to a few thousand, as M4 hourly's), a daily season of 24 steps (amplitude
/// 20–50% of the level, its own phase), a weekly modulation (±0–20% over 168 steps: weekdays and weekends), and Gaussian
/// noise of 1–4% of the level; values are floored at 0. Series i is drawn from its own generator seeded with
/// (seed, i), so the panel is the same for a seed whatever its size and a panel of n series is the first n of a larger one.
/// Lengths are drawn uniformly in [minLength, maxLength] (M4 hourly: 700–960). Rows come series after series, each in
/// time order, generated lazily (a 100,000-series panel is never held as row objects).
/// </summary>
public sealed class SyntheticPanel
{
    /// <summary>The start of every series' times (hourly steps) in <see cref="TimedRows"/>.</summary>
    public static readonly DateTime Start = new(2020, 1, 6, 0, 0, 0, DateTimeKind.Unspecified);

    private readonly int seed;

    public SyntheticPanel(int series, int minLength, int maxLength, int seed = 1)
    {
        if (series < 1) throw new ArgumentOutOfRangeException(nameof(series), series, "At least one series.");
        if (minLength < 1 || maxLength < minLength) throw new ArgumentOutOfRangeException(nameof(maxLength), maxLength, "1 ≤ minLength ≤ maxLength.");
        this.seed = seed;
        Count = series;
        Lengths = new int[series];
        for (int i = 0; i < series; i++) Lengths[i] = minLength == maxLength ? minLength : SeriesRandom(i, 0).Next(minLength, maxLength + 1);
    }

    /// <summary>Number of series.</summary>
    public int Count { get; }

    /// <summary>Each series' number of observations.</summary>
    public int[] Lengths { get; }

    /// <summary>Total number of rows.</summary>
    public long RowCount => Lengths.Sum(n => (long)n);

    /// <summary>Series i's id: "S" and its number, 1-based ("S1" …), as M4 names its series ("H1" …).</summary>
    public static string Id(int i) => "S" + (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Series i's values.</summary>
    public float[] Values(int i)
    {
        Random random = SeriesRandom(i, 1);
        double level = Math.Exp(5 + Normal(random));
        double daily = 0.2 + 0.3 * random.NextDouble(), dailyPhase = 2 * Math.PI * random.NextDouble();
        double weekly = 0.2 * random.NextDouble(), weeklyPhase = 2 * Math.PI * random.NextDouble();
        double noise = 0.01 + 0.03 * random.NextDouble();
        var values = new float[Lengths[i]];
        for (int t = 0; t < values.Length; t++)
        {
            double season = 1 + daily * Math.Sin(2 * Math.PI * t / 24 + dailyPhase);
            double week = 1 + weekly * Math.Sin(2 * Math.PI * t / 168 + weeklyPhase);
            values[t] = (float)Math.Max(0, level * (season * week + noise * Normal(random)));
        }
        return values;
    }

    /// <summary>Every row, series after series, without times.</summary>
    public IEnumerable<PanelRow> Rows()
    {
        for (int i = 0; i < Count; i++)
        {
            string id = Id(i);
            foreach (float v in Values(i)) yield return new PanelRow { SeriesId = id, Value = v };
        }
    }

    /// <summary>Every row with its time: series i's rows are hourly from <see cref="Start"/>.</summary>
    public IEnumerable<TimedPanelRow> TimedRows()
    {
        for (int i = 0; i < Count; i++)
        {
            string id = Id(i);
            float[] values = Values(i);
            for (int t = 0; t < values.Length; t++) yield return new TimedPanelRow { SeriesId = id, Value = values[t], Time = Start.AddHours(t) };
        }
    }

    /// <summary>A generator for (seed, series, stream), seeded by a fixed mix (SplitMix64's finaliser; not HashCode, which
    /// differs between processes).</summary>
    private Random SeriesRandom(int i, int stream)
    {
        ulong z = unchecked(((ulong)(uint)seed << 32 | (uint)i) * 0x9E3779B97F4A7C15UL + (ulong)stream);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return new Random((int)((z ^ (z >> 31)) & int.MaxValue));
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
