using System.IO.Compression;
using System.Text.Json;
using LstmMlNet.Forecasting;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LstmMlNet;

/// <summary>Loads forecast engines written by <see cref="LstmForecastEngine{TIn, TOut}.CheckPoint"/>.</summary>
public static class LstmForecastEngine
{
    internal const string ModelEntry = "model.zip";
    internal const string StateEntry = "state.json";

    /// <summary>Reads a checkpoint: the scoring model (through plain <c>ml.Model.Load</c>) and the series state.</summary>
    /// <exception cref="InvalidDataException">The file is not a checkpoint, one of another format version, or its state holds
    /// a value that is not finite or beyond ±1e30 (the message names the file, the value and its position), or its ONNX model
    /// does not match the SHA-256 checksum stored in it (<see cref="LstmModelChecksum"/>).</exception>
    public static LstmForecastEngine<TIn, TOut> Load<TIn, TOut>(MLContext ml, string path)
        where TIn : class
        where TOut : class, new()
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var zip = ZipFile.OpenRead(path);
        ZipArchiveEntry stateEntry = zip.GetEntry(StateEntry) ?? throw new InvalidDataException($"'{path}' is not a forecast engine checkpoint (no {StateEntry}).");
        ZipArchiveEntry modelEntry = zip.GetEntry(ModelEntry) ?? throw new InvalidDataException($"'{path}' is not a forecast engine checkpoint (no {ModelEntry}).");
        EngineCheckPoint checkpoint;
        using (Stream json = stateEntry.Open())
        {
            try
            {
                checkpoint = JsonSerializer.Deserialize<EngineCheckPoint>(json) ?? throw new InvalidDataException($"'{path}': the state is empty.");
            }
            catch (JsonException error)
            {
                throw new InvalidDataException($"'{path}': {StateEntry} is not a valid engine state ({error.Message}).", error);
            }
        }
        if (checkpoint.Spec is null || checkpoint.Values is null || checkpoint.Covariates is null)
            throw new InvalidDataException($"'{path}': {StateEntry} lacks its Spec, Values or Covariates.");
        if (checkpoint.FormatVersion != LstmForecastEngine<TIn, TOut>.FormatVersion)
            throw new InvalidDataException($"'{path}' is a checkpoint of format {checkpoint.FormatVersion}; this LstmMlNet reads format {LstmForecastEngine<TIn, TOut>.FormatVersion}.");
        var spec = checkpoint.Spec;
        if (spec.Problem() is { } specProblem) throw new InvalidDataException($"'{path}': {StateEntry} is not a valid engine state: {specProblem}.");
        if (AdaptiveBounds.Problem(checkpoint.Bounds, spec.Horizon) is { } problem)
            throw new InvalidDataException($"'{path}': {StateEntry} is not a valid engine state: {problem}.");
        var bounds = new AdaptiveBounds(checkpoint.Bounds!.Quantiles, spec.ConfidenceLevel, spec.IntervalAdaptationRate);
        bounds.Restore(checkpoint.Bounds);
        int w = spec.WindowSize;
        if (checkpoint.Values.Length != w || checkpoint.Covariates.Length != w * spec.CovariateColumnNames.Length)
            throw new InvalidDataException($"'{path}': the state holds {checkpoint.Values.Length} values and {checkpoint.Covariates.Length} covariates; window {w} needs {w} and {w * spec.CovariateColumnNames.Length}.");
        if (checkpoint.PastCovariates is null || checkpoint.PastCovariates.Length != w * spec.PastCovariateColumnNames.Length)
            throw new InvalidDataException($"'{path}': the state holds {checkpoint.PastCovariates?.Length ?? 0} past covariates; window {w} needs {w * spec.PastCovariateColumnNames.Length}.");
        int times = spec.HasTimestamps ? w : 0;
        if (checkpoint.Timestamps is null || checkpoint.Timestamps.Length != times || checkpoint.Timestamps.Zip(checkpoint.Timestamps.Skip(1)).Any(p => p.Second <= p.First)
            || checkpoint.Timestamps.Any(t => t < 0 || t > DateTime.MaxValue.Ticks))
            throw new InvalidDataException($"'{path}': the state holds {checkpoint.Timestamps?.Length ?? 0} timestamps; the model needs {times}, increasing, each a valid DateTime.");
        CheckState(path, "Values", checkpoint.Values);
        CheckState(path, "Covariates", checkpoint.Covariates);
        CheckState(path, "PastCovariates", checkpoint.PastCovariates);
        var buffer = new MemoryStream();
        using (Stream model = modelEntry.Open()) model.CopyTo(buffer);
        buffer.Position = 0;
        LstmModelChecksum.Verify(buffer, $"'{path}', entry {ModelEntry}");
        buffer.Position = 0;
        ITransformer scoring = ml.Model.Load(buffer, out DataViewSchema schema);
        return new LstmForecastEngine<TIn, TOut>(ml, scoring, schema, spec, new SeriesState(checkpoint.Values, checkpoint.Covariates, checkpoint.PastCovariates, checkpoint.Timestamps), bounds);
    }

    /// <summary>Rejects a state value the engine would not have accepted from <c>Update</c> (e.g. 1e39, which JSON holds but
    /// float32 reads as Infinity).</summary>
    private static void CheckState(string path, string field, float[] values)
    {
        for (int k = 0; k < values.Length; k++)
        {
            if (!SeriesValueRange.Accepts(values[k]))
                throw new InvalidDataException($"'{path}': {StateEntry} {field}[{k}] is out of range: {SeriesValueRange.Reason(values[k])}.");
        }
    }
}
