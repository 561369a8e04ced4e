namespace LstmMlNet.Forecasting;

/// <summary>
/// Adaptive conformal half-widths for one series (<see cref="ForecastIntervalMethod.Adaptive"/>). Forecasts are issued at
/// origins (<see cref="Issue"/>) and scored as the observations they forecast arrive (<see cref="Observe"/>): for horizon
/// step k, q_k ← q_k·exp(γ·(err − α)) with err = 1 when the observation lay outside ℓ̂_k ± q_k'·σ, q_k' the half-width the
/// forecast was issued with. Every quantity is in level space (after the target transform) and in units of each window's σ.
/// </summary>
internal sealed class AdaptiveBounds
{
    private readonly List<PendingForecast> pending = new();

    /// <param name="quantiles">The half-widths q_k to start from (Fit's split-conformal ones), in units of σ.</param>
    /// <param name="level">Coverage aimed at, 1 − α.</param>
    /// <param name="rate">Step size γ.</param>
    public AdaptiveBounds(IReadOnlyList<float> quantiles, float level, double rate)
    {
        // A zero half-width (a calibration that never erred) could never grow under a multiplicative update.
        float floor = Math.Max(1e-6f, 1e-3f * (quantiles.Count > 0 ? quantiles.Max() : 0f));
        Quantiles = quantiles.Select(q => Math.Max(q, floor)).ToArray();
        Miscoverage = 1.0 - level;
        Rate = rate;
    }

    /// <summary>Current half-widths q_k, k = 1..h, in units of σ.</summary>
    public float[] Quantiles { get; private set; }

    /// <summary>Index of the next observation (observations scored so far).</summary>
    public long Observed { get; private set; }

    /// <summary>Whether a forecast was issued at the current origin.</summary>
    public bool IssuedAtOrigin => pending.Count > 0 && pending[^1].Origin == Observed;

    /// <summary>α = 1 − level.</summary>
    public double Miscoverage { get; }

    /// <summary>γ.</summary>
    public double Rate { get; }

    /// <summary>Records the forecast made at the current origin (from the observations before <see cref="Observed"/>),
    /// replacing one already made there, and returns the half-widths it is issued with (a copy of
    /// <see cref="Quantiles"/>).</summary>
    public float[] Issue(float[] levels, float sigma)
    {
        float[] issued = (float[])Quantiles.Clone();
        if (!float.IsFinite(sigma) || levels.Any(l => !float.IsFinite(l))) return issued; // no forecast to score (bad input)
        if (pending.Count > 0 && pending[^1].Origin == Observed) pending.RemoveAt(pending.Count - 1);
        pending.Add(new PendingForecast(Observed, (float[])levels.Clone(), sigma, issued));
        return issued;
    }

    /// <summary>Issues the forecast <paramref name="forecast"/> (the series' units, h values) of a window with interval scale
    /// <paramref name="sigma"/> at the current origin (<see cref="Issue"/>) and returns its bounds with the current
    /// half-widths: level⁻¹(ℓ̂_k ∓ q_k·σ), as the scoring graph computes them with Fit's q_k.</summary>
    public (float[] Lower, float[] Upper) IssueBounds(float[] forecast, float sigma, ForecastTargetTransform transform)
    {
        float[] levels = forecast.Select(f => ForecastLayout.Level(transform, f)).ToArray();
        float[] q = Issue(levels, sigma);
        var lower = new float[levels.Length];
        var upper = new float[levels.Length];
        for (int k = 0; k < levels.Length; k++)
        {
            float margin = q[k] * sigma;
            lower[k] = ForecastLayout.Unlevel(transform, levels[k] - margin);
            upper[k] = ForecastLayout.Unlevel(transform, levels[k] + margin);
        }
        return (lower, upper);
    }

    /// <summary>Scores every pending forecast of the observation at <see cref="Observed"/> (level ℓ), updates the
    /// half-widths and moves to the next observation.</summary>
    public void Observe(float level)
    {
        int h = Quantiles.Length;
        foreach (PendingForecast p in pending)
        {
            int k = (int)(Observed - p.Origin);
            if (k < 0 || k >= h) continue;
            double miss = Math.Abs(level - p.Levels[k]) > p.Quantiles[k] * p.Sigma ? 1.0 : 0.0;
            Quantiles[k] = (float)Math.Min(Quantiles[k] * Math.Exp(Rate * (miss - Miscoverage)), MaximumQuantile);
            Quantiles[k] = Math.Max(Quantiles[k], MinimumQuantile);
        }
        Observed++;
        pending.RemoveAll(p => Observed - p.Origin >= h);
    }

    /// <summary>Moves to the next observation without scoring: the step at <see cref="Observed"/> was filled into a gap in
    /// time (<see cref="ForecastGapFill"/>), so no forecast is judged by it.</summary>
    public void Skip()
    {
        Observed++;
        pending.RemoveAll(p => Observed - p.Origin >= Quantiles.Length);
    }

    /// <summary>One step of the walk the forecast engine and the backtest both take along a series (the one place its
    /// order is written): a step filled into a gap scores nothing (<see cref="Skip"/>); an observed step first has the
    /// forecast from its origin issued when none was (<paramref name="issueIfMissing"/>, which forecasts and calls
    /// <see cref="IssueBounds"/>, or does nothing when it cannot: no future covariates, a non-finite window), then scores
    /// every pending forecast with its level ℓ (<see cref="Observe"/>).</summary>
    public void Advance(bool filled, float level, Action? issueIfMissing)
    {
        if (filled)
        {
            Skip();
            return;
        }
        if (!IssuedAtOrigin) issueIfMissing?.Invoke();
        Observe(level);
    }

    /// <summary>Bounds of the half-widths, in units of σ: they keep the state finite (a long run of hits or misses
    /// moves q geometrically).</summary>
    public const float MinimumQuantile = 1e-6f, MaximumQuantile = 1e6f;

    public AdaptiveBoundsState State() =>
        new((float[])Quantiles.Clone(), Observed, pending.Select(p => p with { Levels = (float[])p.Levels.Clone(), Quantiles = (float[])p.Quantiles.Clone() }).ToArray());

    /// <summary>Restores a state written by <see cref="State"/> (checked by the caller).</summary>
    public void Restore(AdaptiveBoundsState state)
    {
        Quantiles = (float[])state.Quantiles.Clone();
        Observed = state.Observed;
        pending.Clear();
        pending.AddRange(state.Pending);
    }

    /// <summary>Why a checkpoint's state cannot be restored for horizon <paramref name="horizon"/>, or null.</summary>
    public static string? Problem(AdaptiveBoundsState? state, int horizon)
    {
        if (state is null) return "it has no adaptive-bounds state";
        if (state.Quantiles is null || state.Quantiles.Length != horizon) return $"its bounds state holds {state.Quantiles?.Length ?? 0} half-widths; horizon {horizon} needs {horizon}";
        if (state.Quantiles.Any(q => !(q >= MinimumQuantile && q <= MaximumQuantile))) return $"a half-width of its bounds state is outside [{MinimumQuantile}, {MaximumQuantile}]";
        if (state.Observed < 0) return "its bounds state has a negative observation count";
        if (state.Pending is null || state.Pending.Length > horizon) return $"its bounds state holds {state.Pending?.Length ?? 0} pending forecasts (at most {horizon})";
        foreach (PendingForecast p in state.Pending)
        {
            if (p is null || p.Levels is null || p.Quantiles is null || p.Levels.Length != horizon || p.Quantiles.Length != horizon
                || p.Origin > state.Observed || state.Observed - p.Origin >= horizon
                || !float.IsFinite(p.Sigma) || p.Levels.Any(v => !float.IsFinite(v)) || p.Quantiles.Any(v => !float.IsFinite(v)))
                return "a pending forecast of its bounds state is malformed";
        }
        return null;
    }
}
