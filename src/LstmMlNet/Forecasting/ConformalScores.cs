namespace LstmMlNet.Forecasting;

/// <summary>
/// What Fit learned for the bounds, kept so that any level can be answered later: per horizon step, the calibration
/// windows' normalised errors |ℓ − ℓ̂| / σ (level space, units of each window's interval scale σ; after the baseline
/// guard's <c>Larger</c> when it blends), as order statistics. The split-conformal half-width of a level is the
/// ⌈(n + 1)·level⌉-th smallest of the n scores of its step (<see cref="HalfWidth"/>); Fit's own half-widths
/// (<see cref="ForecastFitReport.Quantiles"/>) are <see cref="HalfWidths"/> of its <c>ConfidenceLevel</c>, bit for bit.
/// <para>Up to <see cref="MaximumKept"/> windows every score is kept (sorted) and every answer is exact. Beyond, each step
/// keeps <see cref="MaximumKept"/> order statistics at the evenly spaced ranks of <see cref="KeptRank"/> (the first and the
/// last included) and a rank between two kept ones is interpolated linearly in rank. The true r-th smallest and the
/// interpolated value both lie between the two kept neighbours, so the error is at most their gap, v(r_{i+1}) − v(r_i),
/// and the neighbours are at most ⌈(n − 1)/(<see cref="MaximumKept"/> − 1)⌉ ranks apart: the half-width covers between
/// r_i and r_{i+1} of the n calibration scores, an empirical coverage within ⌈(n − 1)/2047⌉/n (about 0.05%) of the
/// exact rule's.</para>
/// <para>Bounds in the series' units at any half-widths: <see cref="ConformalBounds"/> (Codec/, beside the level arithmetic;
/// this type sits beside <see cref="ForecastFitReport"/>, which holds it, and a folder may not depend on Codec/ and be
/// depended on by it).</para>
/// </summary>
internal sealed class ConformalScores
{
    /// <summary>The most order statistics kept per step: every score up to this many windows, this many beyond.</summary>
    public const int MaximumKept = 2048;

    private readonly float[][] kept; // [step][i]: sorted scores (n ≤ MaximumKept) or the order statistics at KeptRank(n, i)

    private ConformalScores(float[][] kept, int count)
    {
        Count = count;
        this.kept = kept;
    }

    /// <summary>Keeps the order statistics of <paramref name="scores"/> ([step][window], every step with the same number of
    /// windows: the scores <c>ForecastCalibration</c> calibrates on).</summary>
    public ConformalScores(float[][] scores) : this(Keep(scores, out int n), n)
    {
    }

    private static float[][] Keep(float[][] scores, out int n)
    {
        ArgumentNullException.ThrowIfNull(scores);
        if (scores.Length == 0) throw new ArgumentException("The scores need at least one horizon step.", nameof(scores));
        int count = n = scores[0]?.Length ?? 0;
        if (scores.Any(step => step is null || step.Length != count)) throw new ArgumentException("Every horizon step needs a score for each of the same windows.", nameof(scores));
        return scores.Select(step =>
        {
            float[] sorted = step.Order().ToArray(); // the order Fit's rule always used (stable, NaN first)
            if (count <= MaximumKept) return sorted;
            var statistics = new float[MaximumKept];
            for (int i = 0; i < MaximumKept; i++) statistics[i] = sorted[KeptRank(count, i) - 1];
            return statistics;
        }).ToArray();
    }

    /// <summary>n: the calibration windows (scores per step).</summary>
    public int Count { get; }

    /// <summary>h: the horizon steps.</summary>
    public int Horizon => kept.Length;

    /// <summary>The highest level n windows support, n / (n + 1): beyond it ⌈(n + 1)·level⌉ exceeds n (0 without windows).</summary>
    public double MaximumLevel => Count / (Count + 1.0);

    /// <summary>The rank (1-based) of the i-th kept order statistic (0 ≤ i &lt; <see cref="MaximumKept"/>) of n &gt;
    /// <see cref="MaximumKept"/> scores: 1 + ⌊i·(n − 1)/(<see cref="MaximumKept"/> − 1)⌋, from 1 (i = 0) to n (the last),
    /// strictly increasing, consecutive ranks ⌊(n − 1)/2047⌋ or ⌈(n − 1)/2047⌉ apart.</summary>
    public static int KeptRank(int n, int i) => 1 + (int)((long)i * (n - 1) / (MaximumKept - 1));

    /// <summary>The split-conformal rank of <paramref name="level"/> among n scores: ⌈(n + 1)·level⌉.</summary>
    public static int Rank(int n, double level) => (int)Math.Ceiling((n + 1) * level);

    /// <summary>Whether the windows support <paramref name="level"/> (in (0, 1)): its rank is at most n.</summary>
    public bool Supports(double level) => level > 0 && level < 1 && Rank(Count, level) <= Count;

    /// <summary>The r-th smallest score (1 ≤ r ≤ n) of horizon step <paramref name="step"/> (0-based): exact up to
    /// <see cref="MaximumKept"/> windows, else exact at a kept rank and linear in rank between two (see the class).</summary>
    public float Smallest(int step, int rank)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(step, Horizon);
        ArgumentOutOfRangeException.ThrowIfLessThan(rank, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rank, Count);
        float[] v = kept[step];
        int n = Count;
        if (n <= MaximumKept) return v[rank - 1];
        int lo = 0, hi = MaximumKept - 1; // the last kept index whose rank is ≤ rank: KeptRank(n, lo) ≤ rank < KeptRank(n, hi + 1)
        while (lo < hi)
        {
            int mid = (lo + hi + 1) / 2;
            if (KeptRank(n, mid) <= rank) lo = mid;
            else hi = mid - 1;
        }
        int r0 = KeptRank(n, lo);
        if (r0 == rank) return v[lo];
        int r1 = KeptRank(n, lo + 1); // lo < MaximumKept − 1: the last kept rank is n ≥ rank, and rank ≠ r0
        return (float)(v[lo] + ((double)v[lo + 1] - v[lo]) * (rank - r0) / (r1 - r0));
    }

    /// <summary>The split-conformal half-width of horizon step <paramref name="step"/> (0-based) at
    /// <paramref name="level"/>, in units of σ: the ⌈(n + 1)·level⌉-th smallest score.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="level"/> is not in (0, 1), or is above
    /// <see cref="MaximumLevel"/> (too few calibration windows).</exception>
    public float HalfWidth(int step, double level) => Smallest(step, CheckedRank(level));

    /// <summary>The split-conformal half-widths of every horizon step at <paramref name="level"/> (see <see cref="HalfWidth"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">As <see cref="HalfWidth"/>.</exception>
    public float[] HalfWidths(double level)
    {
        int rank = CheckedRank(level);
        var q = new float[Horizon];
        for (int k = 0; k < q.Length; k++) q[k] = Smallest(k, rank);
        return q;
    }

    private int CheckedRank(double level)
    {
        if (!(level > 0 && level < 1)) throw new ArgumentOutOfRangeException(nameof(level), level, FormattableString.Invariant($"The level {level} is not in (0, 1)."));
        int rank = Rank(Count, level);
        if (rank > Count)
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, FormattableString.Invariant(
                $"Only {Count} calibration windows for level {level}: split-conformal bounds at that level need at least {(int)Math.Ceiling(level / (1 - level))}; these support levels up to {MaximumLevel:G6} (n/(n + 1)). ") +
                "Lower the level, or fit with a longer ValidationTailLength.");
        }
        return rank;
    }

    /// <summary>The level and side whose bound is the quantile τ of a symmetric conformal interval: τ &lt; 0.5 is the lower
    /// bound of level 1 − 2τ (Side −1), τ &gt; 0.5 the upper bound of level 2τ − 1 (Side +1), τ = 0.5 the forecast itself
    /// (Level 0, Side 0). The two-sided interval misses at most 2·min(τ, 1 − τ) of the time, so the one-sided bound is
    /// exceeded at most that often, and τ (resp. 1 − τ) of the time when the errors are symmetric about the forecast.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tau"/> is not in (0, 1).</exception>
    public static (double Level, int Side) ForQuantile(double tau)
    {
        if (!(tau > 0 && tau < 1)) throw new ArgumentOutOfRangeException(nameof(tau), tau, FormattableString.Invariant($"The quantile {tau} is not in (0, 1)."));
        return tau < 0.5 ? (1 - 2 * tau, -1) : tau > 0.5 ? (2 * tau - 1, 1) : (0, 0);
    }

    /// <summary>The signed offsets of quantile <paramref name="tau"/> from the forecast per horizon step, in units of σ in
    /// level space (<see cref="ForQuantile"/>): Side·<see cref="HalfWidths"/>(Level), zeros at τ = 0.5. In the series' units:
    /// <see cref="ConformalBounds.Shift"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tau"/> is not in (0, 1), or its level is above
    /// <see cref="MaximumLevel"/>.</exception>
    public float[] QuantileOffsets(double tau)
    {
        var (level, side) = ForQuantile(tau);
        if (side == 0) return new float[Horizon];
        float[] q = HalfWidths(level);
        if (side < 0) for (int k = 0; k < q.Length; k++) q[k] = -q[k];
        return q;
    }

    /// <summary>The plain form to save (copies of the kept order statistics).</summary>
    public ConformalScoresForm ToForm() => new(Count, kept.Select(v => (float[])v.Clone()).ToArray());

    /// <summary>The scores of a form that <see cref="Problem"/> accepts for <paramref name="horizon"/> (copied).</summary>
    /// <exception cref="ArgumentException">The form is malformed (<see cref="Problem"/>'s reason).</exception>
    public static ConformalScores FromForm(ConformalScoresForm form, int horizon)
    {
        ArgumentNullException.ThrowIfNull(form);
        if (Problem(form, horizon) is { } problem) throw new ArgumentException($"The conformal scores are malformed: {problem}.", nameof(form));
        return new ConformalScores(form.OrderStatistics!.Select(v => (float[])v.Clone()).ToArray(), form.Count);
    }

    /// <summary>Why <paramref name="form"/> is not the scores of a model with horizon <paramref name="horizon"/>, or null:
    /// one array per step, each of min(Count, <see cref="MaximumKept"/>) finite, non-negative scores in ascending order.</summary>
    public static string? Problem(ConformalScoresForm? form, int horizon)
    {
        if (form is null) return "there are no conformal scores";
        if (form.Count < 0) return FormattableString.Invariant($"the window count {form.Count} is negative");
        if (form.OrderStatistics is null || form.OrderStatistics.Length != horizon)
            return FormattableString.Invariant($"they hold {form.OrderStatistics?.Length ?? 0} horizon steps; horizon {horizon} needs {horizon}");
        if (horizon == 0) return "they hold no horizon step";
        int expected = Math.Min(form.Count, MaximumKept);
        for (int k = 0; k < horizon; k++)
        {
            float[]? v = form.OrderStatistics[k];
            if (v is null || v.Length != expected)
                return FormattableString.Invariant($"step {k + 1} holds {v?.Length ?? 0} scores; {form.Count} windows need {expected}");
            for (int i = 0; i < v.Length; i++)
            {
                if (!float.IsFinite(v[i]) || v[i] < 0) return FormattableString.Invariant($"score {i + 1} of step {k + 1} is {v[i]}, not a finite value ≥ 0");
                if (i > 0 && v[i] < v[i - 1]) return FormattableString.Invariant($"the scores of step {k + 1} are not in ascending order (at {i + 1})");
            }
        }
        return null;
    }
}

/// <summary>The plain, serialisable form of <see cref="ConformalScores"/> (System.Text.Json).</summary>
/// <param name="Count">n: the calibration windows.</param>
/// <param name="OrderStatistics">Per horizon step, ascending: every score when n ≤ <see cref="ConformalScores.MaximumKept"/>,
/// else the order statistics at ranks <see cref="ConformalScores.KeptRank"/>(n, i), i = 0 … 2047.</param>
internal sealed record ConformalScoresForm(int Count, float[][] OrderStatistics);
