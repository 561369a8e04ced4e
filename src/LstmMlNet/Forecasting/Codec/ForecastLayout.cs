namespace LstmMlNet.Forecasting;

/// <summary>
/// The arithmetic between raw observations and the network, shared by training (C#) and the exported ONNX graph
/// (<see cref="Onnx.ForecastGraph"/>), which must compute the same thing.
/// <list type="number">
/// <item>Level: ℓ = y (None, Difference) or log(1 + y) (Log1p).</item>
/// <item>Network series u over the window: ℓ (W steps), or the W − 1 differences ℓ_t − ℓ_{t−1} (Difference).</item>
/// <item>Scale: s = mean|u| + 1e-6 and m = the window's last u (0 for Difference) (WindowMean); s = mean|u_t − u_{t−1}|
/// + 1e-6 (WindowChange); s = sd(u) + 1e-3·mean|u| + 1e-6 (WindowDeviation); s = mean|u_t − u_{t−L}| + 1e-2·mean|u|
/// + 1e-6 with L the season (SeasonalChange); m = μ, s = σ of training u (Standard);
/// m = 0, s = 1 (None).</item>
/// <item>Baseline b_k, k = 1..h, what an untrained network (output 0) forecasts: m (the last value for the window
/// scalings: the naive forecast), or with a season P ≥ 2 and <see cref="SeasonalNaiveBaseline"/> (W ≥ P, not Difference)
/// the seasonal naive forecast b_k = u_{T+k−P·⌈k/P⌉}, so the network learns the correction to it.</item>
/// <item>Frames: x_t = (u_t − m) / s. Each past step is [x_t, 1, c_t, 0…] and h future steps [0, 0, c_{T+k}, x_{T+k−P},
/// x_{T+k−2P}, …] follow (the 1/0 feature marks observed steps; c absent when C = 0), F = 2 + C + L: with a season of P
/// steps and <see cref="SeasonalLags"/> L ≥ 1, future step k also reads the window's L most recent values at its phase
/// of the season, x at W − P + (k mod P) − i·P for i &lt; L (zeros on past steps), so the head of each step sees what the
/// same hour, weekday or month was in each of the last L seasons. The C covariates are standardised with their training
/// mean and deviation, and are taken the way the series is: when the window is taken relative to its last value
/// (WindowMean, not Difference), c_t is the change of the standardised covariates since the window's last step T
/// (ĉ_t − ĉ_T), so the network relates a change of the series to a change of the covariates; otherwise c_t = ĉ_t. The
/// With calendar inputs (<see cref="Calendar"/>) every step also holds the sine/cosine pairs of its timestamp's phases
/// after the covariates, and with Cp past covariates each past step then holds their standardised values (taken as the
/// covariates are; zeros on future steps): F = 2 + C + 2·|calendar| + Cp + L, in that order. The
/// network's head reads the encoder output at each future step (a one-unit head per step), so the forecast of step T+k
/// is made after the network has seen the covariates up to T+k. With covariates the network also has a step skip (a
/// bias-free linear map of each frame added to that step's output): c_{T+k} enters the forecast of step T+k directly as
/// well as through the recurrent state.</item>
/// <item>Targets z'_k = (u_{T+k} − b_k) / s. Network output z'_k, k = 1..h: z_k = z'_k·s + b_k in u units; the level forecast is ℓ̂_k = z_k, or
/// ℓ_T + Σ_{j≤k} z_j (Difference).</item>
/// <item>Forecast ŷ_k = level⁻¹(ℓ̂_k); bounds level⁻¹(ℓ̂_k ∓ q_k·σ), with σ the window's interval scale
/// (<see cref="IntervalScale"/>: its mean absolute seasonal change, as the SeasonalChange scale, or the network's s) and q_k
/// the split-conformal quantile of the normalised calibration errors |ℓ_{T+k} − ℓ̂_k| / σ.</item>
/// </list>
/// </summary>
internal sealed record ForecastLayout(
    int WindowSize,
    int Horizon,
    int Covariates,
    ForecastTargetTransform Transform,
    ForecastScaling Scaling,
    float Mean,
    float Scale,
    float[] CovariateMean,
    float[] CovariateScale,
    int Season = 1,
    bool SeasonalNaiveBaseline = false,
    int SeasonalLags = 0,
    ForecastIntervalScale IntervalScale = ForecastIntervalScale.SeasonalChange,
    int PastCovariates = 0,
    CalendarFeatures Calendar = CalendarFeatures.None,
    long StepTicks = 0)
{
    /// <summary>Added to the window's mean absolute value so a window of zeros has a finite scale.</summary>
    public const float ScaleEpsilon = 1e-6f;

    /// <summary>The weight α of the network's correction in the forecast, b_k + α·s·z'_k: 1 = the network's forecast,
    /// 0 = the baseline alone; chosen by Fit on the validation tail (<see cref="LstmForecastingOptions.BaselineGuard"/>).</summary>
    public float NetworkWeight { get; init; } = 1f;

    /// <summary>The weight γ of the other simple forecast o (<see cref="Alternative"/>) in the forecast,
    /// b_k + α·s·z'_k + γ·(o_k − b_k): 0 = none (the default), 1 − α when the baseline guard chose a blend of the network
    /// with the other simple forecast rather than with the baseline (<see cref="LstmForecastingOptions.BaselineGuard"/>).</summary>
    public float AlternativeWeight { get; init; }

    /// <summary>There is another simple forecast o than the baseline b for the guard to weigh: the last value when the
    /// baseline is seasonal naive, the seasonal naive forecast when it is the last value and the window holds a season of
    /// P ≥ 2 steps. Only for levels taken relative to the window's last value (m is then the last value; not
    /// Difference, Standard or None).</summary>
    public bool HasAlternative => RelativeCovariates && (SeasonalBaseline || (Season >= 2 && PastSteps >= Season));

    /// <summary>The name of the baseline's forecast for logs and reports: "seasonal naive (period P)" or "last value".</summary>
    public string BaselineName => SimpleName(SeasonalBaseline);

    /// <summary>The period of <see cref="Alternative"/>'s forecast as <see cref="SeasonalPeriod"/> gives the baseline's: 0 for
    /// the last value, P for seasonal naive (meaningful when <see cref="HasAlternative"/>).</summary>
    public int AlternativePeriod => SeasonalBaseline ? 0 : Season;

    /// <summary>The name of <see cref="Alternative"/>'s forecast (meaningful when <see cref="HasAlternative"/>).</summary>
    public string AlternativeName => SimpleName(!SeasonalBaseline);

    private string SimpleName(bool seasonal) => seasonal ? $"seasonal naive (period {Season})" : "last value";

    public int PastSteps => Transform == ForecastTargetTransform.Difference ? WindowSize - 1 : WindowSize;

    public int FutureSteps => Horizon;

    public int Steps => PastSteps + FutureSteps;

    public int FrameSize => 2 + Covariates + CalendarValues + PastCovariates + SeasonalLags;

    /// <summary>Calendar values per frame: a sine/cosine pair per feature of <see cref="Calendar"/>.</summary>
    public int CalendarValues => CalendarArithmetic.Count(Calendar);

    /// <summary>The model reads timestamps (calendar inputs).</summary>
    public bool HasTimestamps => Calendar != CalendarFeatures.None;

    /// <summary>Frame offsets: covariates at 2, calendar after them, past covariates after those, seasonal inputs last.</summary>
    public int CalendarOffset => 2 + Covariates;

    public int PastOffset => CalendarOffset + CalendarValues;

    public int LagOffset => PastOffset + PastCovariates;

    /// <summary>Past-covariate values a forecast needs: W·Cp, step-major.</summary>
    public int PastCovariateValues => WindowSize * PastCovariates;

    /// <summary>Timestamps a forecast needs: W + h (none without calendar inputs).</summary>
    public int TimestampValues => HasTimestamps ? WindowSize + Horizon : 0;

    /// <summary>Position in the window's network series of the i-th most recent value at the season phase of future step
    /// k (0-based): W − P + (k mod P) − i·P, with P = <see cref="Season"/>; i = 0 is the seasonal naive value of step k.</summary>
    public int LagPosition(int k, int i) => PastSteps - Season + k % Season - i * Season;

    /// <summary>The forecast starts from the seasonal naive forecast: asked for (<see cref="SeasonalNaiveBaseline"/>), a
    /// season of P ≥ 2 steps that the window holds, and levels rather than differences.</summary>
    public bool SeasonalBaseline => SeasonalNaiveBaseline && Season >= 2 && PastSteps >= Season && Transform != ForecastTargetTransform.Difference;

    /// <summary>The period of the seasonal naive baseline, 0 when the baseline is m (the last value).</summary>
    public int SeasonalPeriod => SeasonalBaseline ? Season : 0;

    /// <summary>Relative weight of the mean absolute value in the <see cref="ForecastScaling.WindowDeviation"/> scale.</summary>
    public const float DeviationFloor = 1e-3f;

    /// <summary>Relative weight of the mean absolute value in the <see cref="ForecastScaling.SeasonalChange"/> scale.</summary>
    public const float SeasonalChangeFloor = 1e-2f;

    /// <summary>The lag of the <see cref="ForecastScaling.SeasonalChange"/> scale: <see cref="Season"/> when the
    /// window holds at least two seasons (so at least P seasonal changes are averaged), else 1.</summary>
    public int ChangeLag => Season >= 2 && PastSteps >= 2 * Season ? Season : 1;

    /// <summary>Covariates enter as their change since the window's last step: exactly when the series is taken relative
    /// to its last value (WindowMean scaling of levels).</summary>
    public bool RelativeCovariates => Scaling is ForecastScaling.WindowMean or ForecastScaling.WindowChange or ForecastScaling.WindowDeviation or ForecastScaling.SeasonalChange && Transform != ForecastTargetTransform.Difference;

    /// <summary>Covariate values a forecast needs: (W + h)·C, step-major (all covariates of a step together).</summary>
    public int CovariateValues => (WindowSize + Horizon) * Covariates;

    public float Level(float y) => Level(Transform, y);

    /// <summary>ℓ = y, or log(1 + y) for <see cref="ForecastTargetTransform.Log1p"/>.</summary>
    public static float Level(ForecastTargetTransform transform, float y) => transform == ForecastTargetTransform.Log1p ? MathF.Log(1f + y) : y;

    public float Unlevel(float level) => Unlevel(Transform, level);

    /// <summary>y = ℓ, or exp(ℓ) − 1 for <see cref="ForecastTargetTransform.Log1p"/>.</summary>
    public static float Unlevel(ForecastTargetTransform transform, float level) => transform == ForecastTargetTransform.Log1p ? MathF.Exp(level) - 1f : level;

    /// <summary>The network series u of raw observations: their levels, or the differences of consecutive levels
    /// (one value fewer).</summary>
    public float[] Series(ReadOnlySpan<float> window)
    {
        var u = new float[Transform == ForecastTargetTransform.Difference ? window.Length - 1 : window.Length];
        if (Transform == ForecastTargetTransform.Difference)
        {
            for (int t = 0; t < u.Length; t++) u[t] = Level(window[t + 1]) - Level(window[t]);
        }
        else
        {
            for (int t = 0; t < u.Length; t++) u[t] = Level(window[t]);
        }
        return u;
    }

    /// <summary>(m, s) of a window's network series.</summary>
    public (float M, float S) ScaleOf(ReadOnlySpan<float> u)
    {
        switch (Scaling)
        {
            case ForecastScaling.WindowMean:
                float sum = 0;
                foreach (float v in u) sum += MathF.Abs(v);
                return (Transform == ForecastTargetTransform.Difference ? 0f : u[^1], sum / u.Length + ScaleEpsilon);
            case ForecastScaling.WindowChange:
                if (Transform == ForecastTargetTransform.Difference) goto case ForecastScaling.WindowMean; // u are changes already
                float change = 0;
                for (int t = 1; t < u.Length; t++) change += MathF.Abs(u[t] - u[t - 1]);
                return (u[^1], change / (u.Length - 1) + ScaleEpsilon);
            case ForecastScaling.SeasonalChange:
                if (Transform == ForecastTargetTransform.Difference) goto case ForecastScaling.WindowMean;
                return (u[^1], SeasonalChangeScale(u));
            case ForecastScaling.WindowDeviation:
                if (Transform == ForecastTargetTransform.Difference) goto case ForecastScaling.WindowMean;
                double mean = 0, absolute = 0;
                foreach (float v in u) { mean += v; absolute += Math.Abs(v); }
                mean /= u.Length;
                double squares = 0;
                foreach (float v in u) squares += (v - mean) * (v - mean);
                return (u[^1], (float)Math.Sqrt(squares / u.Length) + DeviationFloor * (float)(absolute / u.Length) + ScaleEpsilon);
            case ForecastScaling.Standard:
                return (Mean, Scale);
            default:
                return (0f, 1f);
        }
    }

    /// <summary>The interval scale σ of a window's network series u whose network scale is <paramref name="s"/>
    /// (<see cref="IntervalScale"/>): the SeasonalChange scale (mean |u_t − u_{t−L}| + 1e-2·mean|u| + 1e-6; mean|u| + 1e-6
    /// for Difference, whose u are changes), or s itself.</summary>
    public float IntervalScaleOf(ReadOnlySpan<float> u, float s) =>
        IntervalScale == ForecastIntervalScale.NetworkScale || Scaling == ForecastScaling.SeasonalChange ? s
        : Transform == ForecastTargetTransform.Difference ? MeanAbsolute(u) + ScaleEpsilon
        : SeasonalChangeScale(u);

    /// <summary>mean |u_t − u_{t−L}| (L = <see cref="ChangeLag"/>) + 1e-2·mean|u| + 1e-6: the SeasonalChange scale of levels.</summary>
    private float SeasonalChangeScale(ReadOnlySpan<float> u)
    {
        int lag = ChangeLag;
        double seasonalChange = 0;
        for (int t = lag; t < u.Length; t++) seasonalChange += Math.Abs(u[t] - u[t - lag]);
        return (float)(seasonalChange / (u.Length - lag)) + SeasonalChangeFloor * MeanAbsolute(u) + ScaleEpsilon;
    }

    private static float MeanAbsolute(ReadOnlySpan<float> u)
    {
        double sum = 0;
        foreach (float v in u) sum += Math.Abs(v);
        return (float)(sum / u.Length);
    }

    /// <summary>Frames [Steps·F] for a window of W raw values, (W + h)·C raw covariates, W·Cp raw past covariates and W + h
    /// timestamps (ticks; only with calendar inputs); also (m, s).</summary>
    public (float[] Frames, float M, float S) Encode(ReadOnlySpan<float> window, ReadOnlySpan<float> covariates,
        ReadOnlySpan<float> pastCovariates = default, ReadOnlySpan<long> timestamps = default)
    {
        if (pastCovariates.Length != PastCovariateValues)
            throw new ArgumentException($"{PastCovariateValues} past covariate values are needed; got {pastCovariates.Length}.", nameof(pastCovariates));
        if (timestamps.Length != TimestampValues)
            throw new ArgumentException($"{TimestampValues} timestamps are needed; got {timestamps.Length}.", nameof(timestamps));
        float[] u = Series(window);
        var (m, s) = ScaleOf(u);
        int f = FrameSize;
        var frames = new float[Steps * f];
        int first = WindowSize - PastSteps; // the step of the window each u_t belongs to
        for (int t = 0; t < PastSteps; t++)
        {
            frames[t * f] = (u[t] - m) / s;
            frames[t * f + 1] = 1f;
            WriteCovariates(covariates, Covariates, 0, first + t, frames, t * f + 2);
            if (HasTimestamps) CalendarArithmetic.Write(Calendar, timestamps[first + t], frames.AsSpan(t * f + CalendarOffset, CalendarValues));
            WriteCovariates(pastCovariates, PastCovariates, Covariates, first + t, frames, t * f + PastOffset);
        }
        for (int k = 0; k < FutureSteps; k++)
        {
            int at = (PastSteps + k) * f;
            WriteCovariates(covariates, Covariates, 0, WindowSize + k, frames, at + 2);
            if (HasTimestamps) CalendarArithmetic.Write(Calendar, timestamps[WindowSize + k], frames.AsSpan(at + CalendarOffset, CalendarValues));
            for (int i = 0; i < SeasonalLags; i++) frames[at + LagOffset + i] = (u[LagPosition(k, i)] - m) / s;
        }
        return (frames, m, s);
    }

    /// <summary>Writes the <paramref name="count"/> standardised values of <paramref name="step"/> (statistics from
    /// <paramref name="statistics"/> on in <see cref="CovariateMean"/>: 0 for covariates, C for past covariates), or their
    /// change since the window's last step (<see cref="RelativeCovariates"/>).</summary>
    private void WriteCovariates(ReadOnlySpan<float> values, int count, int statistics, int step, float[] frames, int at)
    {
        int last = WindowSize - 1;
        for (int c = 0; c < count; c++)
        {
            float mean = CovariateMean[statistics + c], scale = CovariateScale[statistics + c];
            float value = (values[step * count + c] - mean) / scale;
            if (RelativeCovariates) value -= (values[last * count + c] - mean) / scale;
            frames[at + c] = value;
        }
    }

    /// <summary>Baselines b_k (u units) of a window of raw values with offset m: the seasonal naive forecast
    /// (<see cref="SeasonalBaseline"/>, u at <see cref="LagPosition"/>(k, 0)) or m at every step.</summary>
    public float[] Baseline(ReadOnlySpan<float> window, float m) => SimpleForecast(window, m, SeasonalBaseline);

    /// <summary>The other simple forecast o_k (u units; <see cref="HasAlternative"/>) of a window of raw values with offset
    /// m: the last value m when the baseline is seasonal naive, else the seasonal naive values u at
    /// <see cref="LagPosition"/>(k, 0).</summary>
    public float[] Alternative(ReadOnlySpan<float> window, float m) => SimpleForecast(window, m, !SeasonalBaseline);

    /// <summary>The seasonal naive forecast (u at <see cref="LagPosition"/>(k, 0)) or m at every step.</summary>
    private float[] SimpleForecast(ReadOnlySpan<float> window, float m, bool seasonal)
    {
        var f = new float[Horizon];
        if (!seasonal)
        {
            Array.Fill(f, m);
            return f;
        }
        float[] u = Series(window);
        for (int k = 0; k < Horizon; k++) f[k] = u[LagPosition(k, 0)];
        return f;
    }

    /// <summary>Scaled targets z'_k = (u_{T+k} − b_k) / s for the h observations after a window.</summary>
    public float[] Targets(ReadOnlySpan<float> window, ReadOnlySpan<float> future, float m, float s)
    {
        var z = new float[Horizon];
        float[] b = Baseline(window, m);
        float previous = Level(window[^1]);
        for (int k = 0; k < Horizon; k++)
        {
            float level = Level(future[k]);
            float u = Transform == ForecastTargetTransform.Difference ? level - previous : level;
            previous = level;
            z[k] = (u - b[k]) / s;
        }
        return z;
    }

    /// <summary>Level forecasts ℓ̂_k from the network outputs z'_k.</summary>
    public float[] Levels(ReadOnlySpan<float> window, ReadOnlySpan<float> output, float m, float s) =>
        Levels(Level(window[^1]), Baseline(window, m), AlternativeWeight != 0f ? Alternative(window, m) : null, output, s);

    /// <summary>Level forecasts ℓ̂_k from the network outputs z'_k given the window's last level, its baseline b and (when
    /// <see cref="AlternativeWeight"/> is not 0) its other simple forecast o: z_k = α·z'_k·s + b_k + γ·(o_k − b_k), the
    /// level itself or summed onto <paramref name="last"/> (Difference). For callers that decode one window many ways.</summary>
    public float[] Levels(float last, float[] b, float[]? o, ReadOnlySpan<float> output, float s)
    {
        var levels = new float[Horizon];
        float running = last;
        for (int k = 0; k < Horizon; k++)
        {
            float z = output[k] * NetworkWeight * s + b[k];
            if (AlternativeWeight != 0f) z += AlternativeWeight * (o![k] - b[k]);
            running = Transform == ForecastTargetTransform.Difference ? running + z : z;
            levels[k] = running;
        }
        return levels;
    }
}
