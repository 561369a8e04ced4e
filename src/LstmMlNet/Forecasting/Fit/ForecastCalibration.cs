using LstmMlNet.Data;
using LstmMlNet.Engine;
using LstmMlNet.Training;
using Microsoft.ML.Runtime;
using static TorchSharp.torch;

namespace LstmMlNet.Forecasting;

/// <summary>
/// What Fit learns from the validation tails after training: the baseline guard's weight α of the network's correction
/// (<see cref="LstmForecastingOptions.BaselineGuard"/>) and the split-conformal half-widths of the bounds per horizon step.
/// </summary>
/// <param name="NetworkWeight">α: 1 = the network's forecast, 0 = the baseline alone.</param>
/// <param name="Quantiles">The half-widths per step, in units of each window's interval scale σ.</param>
/// <param name="NetworkError">Mean normalised absolute error of the network on the validation windows (null without the guard).</param>
/// <param name="BaselineError">The same for the baseline alone (null without the guard).</param>
/// <param name="Scores">The calibration scores <paramref name="Quantiles"/> come from, which answer any other level.</param>
/// <param name="AlternativeWeight">γ: the weight of the other simple forecast (<see cref="ForecastLayout.AlternativeWeight"/>),
/// 1 − α when the guard blended the network with it, else 0.</param>
/// <param name="AlternativeError">The other simple forecast's own error (null without the guard or without one).</param>
internal sealed record ForecastCalibration(float NetworkWeight, float[] Quantiles, double? NetworkError, double? BaselineError, ConformalScores Scores,
    float AlternativeWeight = 0f, double? AlternativeError = null)
{
    /// <summary>The weights of the network's correction the baseline guard chooses among: the baseline alone, three
    /// blends, the network.</summary>
    internal static readonly float[] GuardWeights = { 0f, 0.25f, 0.5f, 0.75f, 1f };

    /// <summary>The guard's candidates (α, γ) in order of preference, ties going to the earlier: the network, its blends
    /// with the baseline down to the baseline alone, then (with another simple forecast, <see cref="ForecastLayout.HasAlternative"/>)
    /// its blends with that one, α·network + (1 − α)·other, down to the other alone.</summary>
    internal static (float Network, float Alternative)[] GuardCandidates(bool alternative)
    {
        var candidates = GuardWeights.Reverse().Select(a => (a, 0f)).ToList();
        if (alternative) candidates.AddRange(GuardWeights.Reverse().Where(a => a < 1f).Select(a => (a, 1f - a)));
        return candidates.ToArray();
    }

    /// <summary>Runs the guard (when asked for) and calibrates the bounds on <paramref name="windows"/> (the validation
    /// tails' windows) for the trained <paramref name="networks"/> (one, or an ensemble's members, whose outputs are
    /// averaged as the saved graph's <c>Mean</c> does).</summary>
    public static ForecastCalibration Run(ForecastPlan plan, IReadOnlyList<SequenceNetwork> networks, ForecastWindows windows, IChannel log)
    {
        ForecastLayout layout = plan.Layout;
        float[] outputs = Outputs(networks, windows);
        bool guard = !plan.Request.BaselineOnly && plan.Request.BaselineGuard && windows.Count > 0;
        WindowTruth[] truths = Truths(layout, windows, guard && layout.HasAlternative);
        float[][] scores = Errors(layout, truths, outputs); // the network's (α = 1)
        float weight = 1f, alternativeWeight = 0f;
        double? networkError = null, baselineError = null, alternativeError = null;
        if (plan.Request.BaselineOnly)
        {
            // The baseline alone (a comparison's simple winner): α = 0, the bounds calibrated on the baseline's own errors.
            weight = 0f;
            scores = Errors(layout with { NetworkWeight = 0f }, truths, outputs);
            baselineError = windows.Count > 0 ? Mean(scores) : null;
            log.Info(MessageSensitivity.None, FormattableString.Invariant(
                $"ForecastByLstm: forecasting with the {layout.BaselineName} forecast alone (BaselineOnly); its mean |error|/σ on the {windows.Count} validation windows {baselineError:G4}"));
        }
        else if (guard)
        {
            var candidates = GuardCandidates(layout.HasAlternative);
            float[][][] errors = candidates.Select(c => c == (1f, 0f) ? scores
                : Errors(layout with { NetworkWeight = c.Network, AlternativeWeight = c.Alternative }, truths, outputs)).ToArray();
            (weight, alternativeWeight) = candidates[Choose(errors)];
            int baselineAlone = Array.IndexOf(candidates, (0f, 0f)), alternativeAlone = Array.IndexOf(candidates, (0f, 1f));
            networkError = Mean(scores);
            baselineError = Mean(errors[baselineAlone]);
            alternativeError = alternativeAlone >= 0 ? Mean(errors[alternativeAlone]) : null;
            // Bounds: the larger of the network's error and the error of the simple forecast it is blended with.
            if (weight != 1f) scores = Larger(scores, errors[alternativeWeight > 0f ? alternativeAlone : baselineAlone]);
            string baselineName = layout.BaselineName, otherName = layout.AlternativeName;
            string simple = alternativeWeight > 0f ? otherName : baselineName;
            log.Info(MessageSensitivity.None, FormattableString.Invariant(
                $"ForecastByLstm: baseline guard on the {windows.Count} validation windows: mean |error|/σ network {networkError:G4}, {baselineName} {baselineError:G4}") +
                (alternativeError is { } other ? FormattableString.Invariant($", {otherName} {other:G4}; ") : "; ") +
                (weight == 1f ? "forecasting with the network"
                    : weight == 0f ? $"the network does not beat the {simple} forecast: forecasting with the {simple} forecast alone"
                    : alternativeWeight > 0f ? FormattableString.Invariant($"forecasting with {weight:G2} of the network's forecast and {alternativeWeight:G2} of the {simple} forecast")
                    : FormattableString.Invariant($"forecasting with the {simple} forecast plus {weight:G2} of the network's correction")));
        }
        var kept = new ConformalScores(scores);
        return new ForecastCalibration(weight, Calibrate(kept, plan.Request.ConfidenceLevel), networkError, baselineError, kept, alternativeWeight, alternativeError);
    }

    private static double Mean(float[][] errors) => errors.Average(step => step.Average(v => (double)v));

    /// <summary>The networks' mean output z' for every window of <paramref name="windows"/>, h per window, in window order:
    /// each batch of frames is built once and read by every member (one network: its outputs).</summary>
    private static float[] Outputs(IReadOnlyList<SequenceNetwork> networks, ForecastWindows windows)
    {
        ForecastLayout layout = windows.Layout;
        int h = layout.Horizon, perWindow = layout.Steps * layout.FrameSize, n = windows.Count;
        var outputs = new float[n * h];
        using var noGrad = no_grad();
        const int batch = 256;
        for (int start = 0; start < n; start += batch)
        {
            using var scope = NewDisposeScope();
            int b = Math.Min(batch, n - start);
            var values = new float[b * perWindow];
            for (int j = 0; j < b; j++) windows.Frames[start + j].CopyTo(values, j * perWindow);
            Tensor input = tensor(values, new long[] { b, layout.Steps, layout.FrameSize });
            Tensor lengths = TorchScalars.Full(new long[] { b }, layout.Steps, ScalarType.Int64);
            ForecastObjective.Predict(networks[0], input, lengths, h).data<float>().CopyTo(outputs, start * h);
            if (networks.Count == 1) continue;
            Span<float> sum = outputs.AsSpan(start * h, b * h);
            for (int m = 1; m < networks.Count; m++)
            {
                float[] member = ForecastObjective.Predict(networks[m], input, lengths, h).data<float>().ToArray();
                for (int i = 0; i < sum.Length; i++) sum[i] += member[i];
            }
            for (int i = 0; i < sum.Length; i++) sum[i] /= networks.Count;
        }
        return outputs;
    }

    /// <summary>What decoding a window needs besides the network's output, computed once per window for all the decodings
    /// the guard compares: the last level, the baseline b, the other simple forecast o (when the guard weighs one), the
    /// interval scale σ and the h observed levels.</summary>
    private sealed record WindowTruth(float Last, float[] Baseline, float[]? Alternative, float Scale, float Sigma, float[] Actual);

    private static WindowTruth[] Truths(ForecastLayout layout, ForecastWindows windows, bool alternative)
    {
        int h = layout.Horizon, w = layout.WindowSize;
        var truths = new WindowTruth[windows.Count];
        for (int j = 0; j < truths.Length; j++)
        {
            var (s, end, m, scale) = windows.Origins[j];
            ReadOnlySpan<float> window = s.Values.AsSpan(end - w, w);
            var actual = new float[h];
            for (int k = 0; k < h; k++) actual[k] = layout.Level(s.Values[end + k]);
            truths[j] = new WindowTruth(layout.Level(window[^1]), layout.Baseline(window, m), alternative ? layout.Alternative(window, m) : null,
                scale, layout.IntervalScaleOf(layout.Series(window), scale), actual);
        }
        return truths;
    }

    /// <summary>The normalised level errors |ℓ − ℓ̂| / σ of every window and step when <paramref name="layout"/> (its
    /// network and other-forecast weights included) decodes <paramref name="outputs"/>: [step][window].</summary>
    private static float[][] Errors(ForecastLayout layout, WindowTruth[] truths, float[] outputs)
    {
        int h = layout.Horizon, n = truths.Length;
        var errors = new float[h][];
        for (int k = 0; k < h; k++) errors[k] = new float[n];
        for (int j = 0; j < n; j++)
        {
            WindowTruth t = truths[j];
            float[] levels = layout.Levels(t.Last, t.Baseline, t.Alternative, outputs.AsSpan(j * h, h), t.Scale);
            for (int k = 0; k < h; k++) errors[k][j] = MathF.Abs(t.Actual[k] - levels[k]) / t.Sigma;
        }
        return errors;
    }

    /// <summary>The baseline guard: the index of the candidate (<see cref="GuardCandidates"/>) whose forecasts have the
    /// lowest mean normalised absolute error (<paramref name="errors"/>: [candidate][step][window], from <see cref="Errors"/>)
    /// over the validation tails; a tie keeps the earlier, preferred candidate.</summary>
    private static int Choose(float[][][] errors)
    {
        double[] mean = errors.Select(Mean).ToArray();
        int best = 0;
        for (int i = 1; i < mean.Length; i++) if (mean[i] < mean[best]) best = i;
        return best;
    }

    /// <summary>The larger of two errors per step and window: with a weight α &lt; 1 chosen on the calibration windows (the
    /// baseline guard), the score of a window is the larger of the network's and the baseline's errors, which bounds the
    /// error of every blend of the two (|α·e₁ + (1 − α)·e₀| ≤ max(|e₁|, |e₀|)) and does not depend on which α was chosen:
    /// the bounds stay honest after the choice, at some width. The tails are few and their windows overlap, so
    /// calibrating on the chosen blend's own errors made the bounds optimistic (airline backtest: coverage 0.83 at a 95%
    /// level).</summary>
    private static float[][] Larger(float[][] a, float[][] b) =>
        a.Select((step, k) => step.Select((v, j) => MathF.Max(v, b[k][j])).ToArray()).ToArray();

    /// <summary>Split-conformal half-widths per horizon step, in units of each window's interval scale σ, from the calibration
    /// windows' normalised errors <paramref name="scores"/>: the ⌈(n + 1)·level⌉-th smallest of each step
    /// (<see cref="ConformalScores.HalfWidths"/>, the one rule).</summary>
    private static float[] Calibrate(ConformalScores scores, float level)
    {
        int n = scores.Count;
        if (!scores.Supports(level))
        {
            throw new InvalidOperationException(
                $"Only {n} calibration windows for confidence level {level}: split-conformal bounds need at least {(int)Math.Ceiling(level / (1 - level))}. " +
                "Lengthen ValidationTailLength or lower ConfidenceLevel.");
        }
        return scores.HalfWidths(level);
    }
}
