using Microsoft.ML.OnnxRuntime;

namespace LstmMlNet.Forecasting;

/// <summary>
/// Scores many windows of a forecasting model's ONNX graph (<see cref="Onnx.ForecastGraph"/>, whose first dimension B is
/// symbolic) in batched ONNX Runtime calls. One <see cref="InferenceSession"/> serves every caller: ONNX Runtime allows
/// concurrent <c>Run</c> calls on a session, and this class keeps no per-call state, so it is safe from many threads.
/// </summary>
internal sealed class ForecastScorer : IDisposable
{
    /// <summary>Windows per ONNX Runtime call: large enough that the per-call cost vanishes, small enough that a call's
    /// buffers stay a few MB (B·(W + h)·F floats of frames).</summary>
    public const int BatchRows = 1024;

    private readonly InferenceSession session;
    private readonly string[] outputNames;
    private readonly int w, h, c, cp;
    private readonly bool times;

    public ForecastScorer(byte[] onnx, int windowSize, int horizon, int covariates, int pastCovariates, bool timestamps, string forecast, string lower, string upper)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        session = new InferenceSession(onnx, options);
        (w, h, c, cp, times) = (windowSize, horizon, covariates, pastCovariates, timestamps);
        outputNames = new[] { forecast, lower, upper, Onnx.ForecastGraph.IntervalScaleOutput };
    }

    /// <summary>A scorer over the graph of a fit with <paramref name="spec"/>'s sizes and column names.</summary>
    public static ForecastScorer For(byte[] onnx, ForecastEngineSpec spec) =>
        new(onnx, spec.WindowSize, spec.Horizon, spec.CovariateColumnNames.Length, spec.PastCovariateColumnNames.Length, spec.HasTimestamps,
            spec.OutputColumnName, spec.LowerColumnName, spec.UpperColumnName);

    public int WindowSize => w;

    public int Horizon => h;

    /// <summary>Covariate values per window row, (W + h)·C.</summary>
    public int CovariateValues => (w + h) * c;

    /// <summary>Past-covariate values per window row, W·Cp.</summary>
    public int PastCovariateValues => w * cp;

    /// <summary>Timestamps per window row, W + h (0 without calendar inputs).</summary>
    public int TimestampValues => times ? w + h : 0;

    /// <summary>Scores <paramref name="batch"/> (its <see cref="ForecastBatch.Count"/> rows) into its output arrays: calls of
    /// <see cref="BatchRows"/> windows, run on up to <see cref="Parallelism"/> threads at once (the session is shared; each
    /// call writes its own rows). The network's arithmetic is the cost (about 70 µs a window of W + h = 120 steps and 64
    /// units on one core), and ONNX Runtime's recurrent operators use one core per call, so calls side by side are what
    /// uses a machine's cores.</summary>
    public void Score(ForecastBatch batch)
    {
        int calls = (batch.Count + BatchRows - 1) / BatchRows;
        if (calls <= 1)
        {
            if (batch.Count > 0) ScoreRows(batch, 0, batch.Count);
            return;
        }
        Parallel.For(0, calls, new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, call =>
        {
            int start = call * BatchRows;
            ScoreRows(batch, start, Math.Min(BatchRows, batch.Count - start));
        });
    }

    /// <summary>Calls of <see cref="BatchRows"/> windows that <see cref="Score"/> runs at once: the machine's processor count.</summary>
    public static int Parallelism { get; } = Math.Max(1, Environment.ProcessorCount);

    private void ScoreRows(ForecastBatch batch, int start, int b)
    {
        var names = new List<string> { Onnx.ForecastGraph.WindowInput };
        var values = new List<OrtValue> { Tensor(batch.Windows, start, b, w) };
        try
        {
            if (c > 0)
            {
                names.Add(Onnx.ForecastGraph.CovariatesInput);
                values.Add(Tensor(batch.Covariates, start, b, CovariateValues));
            }
            if (cp > 0)
            {
                names.Add(Onnx.ForecastGraph.PastCovariatesInput);
                values.Add(Tensor(batch.PastCovariates, start, b, PastCovariateValues));
            }
            if (times)
            {
                names.Add(Onnx.ForecastGraph.TimestampsInput);
                values.Add(OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, batch.Timestamps.AsMemory(start * TimestampValues, b * TimestampValues), new long[] { b, TimestampValues }));
            }
            using var runOptions = new RunOptions();
            using IDisposableReadOnlyCollection<OrtValue> outputs = session.Run(runOptions, names, values, outputNames);
            outputs[0].GetTensorDataAsSpan<float>().CopyTo(batch.Forecast.AsSpan(start * h, b * h));
            outputs[1].GetTensorDataAsSpan<float>().CopyTo(batch.Lower.AsSpan(start * h, b * h));
            outputs[2].GetTensorDataAsSpan<float>().CopyTo(batch.Upper.AsSpan(start * h, b * h));
            outputs[3].GetTensorDataAsSpan<float>().CopyTo(batch.IntervalScale.AsSpan(start, b));
        }
        finally
        {
            foreach (OrtValue value in values) value.Dispose();
        }
    }

    private static OrtValue Tensor(float[] data, int start, int rows, int width) =>
        OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, data.AsMemory(start * width, rows * width), new long[] { rows, width });

    /// <summary>A batch sized for this scorer.</summary>
    public ForecastBatch NewBatch(int count) => new(count, w, h, CovariateValues, PastCovariateValues, TimestampValues);

    public void Dispose() => session.Dispose();
}

/// <summary>The inputs and outputs of <see cref="ForecastScorer.Score"/> for <see cref="Count"/> windows, row-major: row i
/// of an input holds window i's values (the graph's input layout), row i of an output its h values (σ: one).</summary>
internal sealed class ForecastBatch
{
    public ForecastBatch(int count, int windowSize, int horizon, int covariateValues, int pastCovariateValues, int timestampValues)
    {
        Count = count;
        Windows = new float[count * windowSize];
        Covariates = new float[count * covariateValues];
        PastCovariates = new float[count * pastCovariateValues];
        Timestamps = new long[count * timestampValues];
        Forecast = new float[count * horizon];
        Lower = new float[count * horizon];
        Upper = new float[count * horizon];
        IntervalScale = new float[count];
    }

    public int Count { get; }

    public float[] Windows { get; }

    public float[] Covariates { get; }

    public float[] PastCovariates { get; }

    public long[] Timestamps { get; }

    public float[] Forecast { get; }

    public float[] Lower { get; }

    public float[] Upper { get; }

    public float[] IntervalScale { get; }
}
