using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace LstmMlNet.Forecasting;

/// <summary>What a panel forecaster knows besides each series' end: the engine spec (SeriesId ""), the series-id and
/// timestamp columns, Fit's half-widths at its confidence level and, for other levels, its calibration scores.</summary>
internal sealed record ForecasterSpec(
    ForecastEngineSpec Engine,
    string? SeriesIdColumnName,
    string? TimestampColumnName,
    float[] FitHalfWidths,
    ConformalScoresForm? Scores);

/// <summary>One series' end in a panel forecaster: the last W rows and the adaptive bounds' state.</summary>
internal sealed record SeriesEnd(string Id, SeriesState State, AdaptiveBounds Bounds)
{
    public SeriesEnd Copy()
    {
        var bounds = new AdaptiveBounds(Bounds.Quantiles, (float)(1 - Bounds.Miscoverage), Bounds.Rate);
        bounds.Restore(Bounds.State());
        return new SeriesEnd(Id, State.Clone(), bounds);
    }
}

/// <summary>
/// The series-state entry of a saved forecaster (<see cref="EntryName"/> in the model zip beside ML.NET's own entries):
/// "LMNF", the format version, the spec as JSON, the ONNX model, then per series its id, last W values, covariates, past
/// covariates, times, last time and adaptive-bounds state, all little-endian binary; a SHA-256 of everything before it ends
/// the entry.
/// </summary>
internal static class ForecasterState
{
    public const string EntryName = "LstmMlNet/Forecaster.bin";

    /// <summary>The format this version writes and reads.</summary>
    public const int FormatVersion = 1;

    private static ReadOnlySpan<byte> Magic => "LMNF"u8;

    public static void Write(Stream stream, ForecasterSpec spec, byte[] onnx, IEnumerable<SeriesEnd> ends)
    {
        using var hashed = new MemoryStream();
        using (var w = new BinaryWriter(hashed, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(Magic);
            w.Write(FormatVersion);
            w.Write(JsonSerializer.Serialize(spec));
            w.Write(onnx.Length);
            w.Write(onnx);
            var list = ends.ToList();
            w.Write(list.Count);
            foreach (SeriesEnd end in list)
            {
                w.Write(end.Id);
                Floats(w, end.State.Values);
                Floats(w, end.State.Covariates);
                Floats(w, end.State.PastCovariates);
                w.Write(end.State.Timestamps.Length);
                foreach (long t in end.State.Timestamps) w.Write(t);
                w.Write(end.State.LastTime);
                AdaptiveBoundsState b = end.Bounds.State();
                Floats(w, b.Quantiles);
                w.Write(b.Observed);
                w.Write(b.Pending.Length);
                foreach (PendingForecast p in b.Pending)
                {
                    w.Write(p.Origin);
                    Floats(w, p.Levels);
                    w.Write(p.Sigma);
                    Floats(w, p.Quantiles);
                }
            }
        }
        byte[] body = hashed.ToArray();
        stream.Write(body);
        stream.Write(SHA256.HashData(body));
    }

    /// <summary>Reads an entry written by <see cref="Write"/>.</summary>
    /// <exception cref="InvalidDataException">Not a forecaster state, another format version, a damaged entry (checksum), or
    /// a state the engine would not accept (the message names <paramref name="source"/>, the series and the field).</exception>
    public static (ForecasterSpec Spec, byte[] Onnx, List<SeriesEnd> Ends) Read(Stream stream, string source)
    {
        var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        byte[] all = buffer.ToArray();
        if (all.Length < Magic.Length + 4 + 32 || !all.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw new InvalidDataException($"{source}: {EntryName} is not a forecaster state.");
        int version = BitConverter.ToInt32(all, Magic.Length);
        if (version != FormatVersion)
            throw new InvalidDataException($"{source} holds a forecaster state of format {version}; this LstmMlNet reads format {FormatVersion}.");
        if (!SHA256.HashData(all.AsSpan(0, all.Length - 32)).AsSpan().SequenceEqual(all.AsSpan(all.Length - 32)))
            throw new InvalidDataException($"{source}: {EntryName} does not match its SHA-256 checksum (the file is damaged or was edited).");
        using var r = new BinaryReader(new MemoryStream(all, 0, all.Length - 32), Encoding.UTF8);
        try
        {
            r.ReadBytes(Magic.Length + 4);
            ForecasterSpec spec = JsonSerializer.Deserialize<ForecasterSpec>(r.ReadString()) ?? throw new InvalidDataException($"{source}: the forecaster spec is empty.");
            if (spec.Engine is null || spec.FitHalfWidths is null) throw new InvalidDataException($"{source}: the forecaster spec lacks its engine spec or half-widths.");
            if (spec.Engine.Problem() is { } problem) throw new InvalidDataException($"{source}: the forecaster spec is not valid: {problem}.");
            int h = spec.Engine.Horizon, w = spec.Engine.WindowSize, c = spec.Engine.CovariateColumnNames.Length, cp = spec.Engine.PastCovariateColumnNames.Length;
            if (spec.FitHalfWidths.Length != h) throw new InvalidDataException($"{source}: the forecaster spec holds {spec.FitHalfWidths.Length} half-widths; horizon {h} needs {h}.");
            if (spec.Scores is not null && ConformalScores.Problem(spec.Scores, h) is { } scoresProblem)
                throw new InvalidDataException($"{source}: the forecaster's calibration scores are not valid: {scoresProblem}.");
            byte[] onnx = r.ReadBytes(Count(r, source, "ONNX model bytes", int.MaxValue));
            int count = Count(r, source, "series", int.MaxValue);
            var ends = new List<SeriesEnd>(count);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (int i = 0; i < count; i++)
            {
                string id = r.ReadString();
                if (!seen.Add(id)) throw new InvalidDataException($"{source}: series '{id}' appears twice in the forecaster state.");
                string where = $"{source}, series '{id}'";
                float[] values = Floats(r, where, "Values", w);
                float[] covariates = Floats(r, where, "Covariates", w * c);
                float[] past = Floats(r, where, "PastCovariates", w * cp);
                int times = Count(r, where, "timestamps", w);
                if (times != (spec.Engine.HasTimestamps ? w : 0)) throw new InvalidDataException($"{where}: {times} timestamps; the model needs {(spec.Engine.HasTimestamps ? w : 0)}.");
                var stamps = new long[times];
                for (int k = 0; k < times; k++) stamps[k] = r.ReadInt64();
                if (stamps.Zip(stamps.Skip(1)).Any(p => p.Second <= p.First) || stamps.Any(t => t < 0 || t > DateTime.MaxValue.Ticks))
                    throw new InvalidDataException($"{where}: the timestamps are not increasing valid DateTime ticks.");
                long lastTime = r.ReadInt64();
                if (lastTime < -1 || lastTime > DateTime.MaxValue.Ticks) throw new InvalidDataException($"{where}: the last time {lastTime} is not a DateTime.");
                float[] quantiles = Floats(r, where, "bounds", h);
                long observed = r.ReadInt64();
                int pendingCount = Count(r, where, "pending forecasts", h);
                var pending = new PendingForecast[pendingCount];
                for (int k = 0; k < pendingCount; k++)
                {
                    long origin = r.ReadInt64();
                    float[] levels = Floats(r, where, "pending levels", h, finiteOnly: true);
                    float sigma = r.ReadSingle();
                    pending[k] = new PendingForecast(origin, levels, sigma, Floats(r, where, "pending half-widths", h, finiteOnly: true));
                }
                var boundsState = new AdaptiveBoundsState(quantiles, observed, pending);
                if (AdaptiveBounds.Problem(boundsState, h) is { } boundsProblem) throw new InvalidDataException($"{where}: {boundsProblem}.");
                var bounds = new AdaptiveBounds(spec.FitHalfWidths, spec.Engine.ConfidenceLevel, spec.Engine.IntervalAdaptationRate);
                bounds.Restore(boundsState);
                ends.Add(new SeriesEnd(id, new SeriesState(values, covariates, past, stamps) { LastTime = lastTime }, bounds));
            }
            if (r.BaseStream.Position != r.BaseStream.Length) throw new InvalidDataException($"{source}: {EntryName} has bytes after its last series.");
            return (spec, onnx, ends);
        }
        catch (Exception error) when (error is EndOfStreamException or JsonException or ArgumentException)
        {
            throw new InvalidDataException($"{source}: {EntryName} is not a valid forecaster state ({error.Message}).", error);
        }
    }

    private static void Floats(BinaryWriter w, float[] values)
    {
        w.Write(values.Length);
        foreach (float v in values) w.Write(v);
    }

    private static int Count(BinaryReader r, string where, string what, int maximum)
    {
        int n = r.ReadInt32();
        if (n < 0 || n > maximum) throw new InvalidDataException($"{where}: {n} {what} (at most {maximum}).");
        return n;
    }

    /// <summary>Reads <paramref name="expected"/> floats; each must be a value the engine accepts (finite, within ±1e30).</summary>
    private static float[] Floats(BinaryReader r, string where, string field, int expected, bool finiteOnly = false)
    {
        int n = r.ReadInt32();
        if (n != expected) throw new InvalidDataException($"{where}: {field} holds {n} values; the model needs {expected}.");
        var values = new float[n];
        for (int k = 0; k < n; k++)
        {
            values[k] = r.ReadSingle();
            bool ok = finiteOnly ? float.IsFinite(values[k]) : SeriesValueRange.Accepts(values[k]);
            if (!ok) throw new InvalidDataException($"{where}: {field}[{k}] is out of range ({values[k]}).");
        }
        return values;
    }
}
