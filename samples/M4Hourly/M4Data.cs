using System.Globalization;

namespace M4HourlySample;

/// <summary>One M4 series: its id, the training values and the 48 test values that follow them.</summary>
public sealed record M4Series(string Id, float[] Train, float[] Test);

/// <summary>Reads M4's <c>Hourly-train.csv</c> and <c>Hourly-test.csv</c>: a <c>"V1",…</c> header, then one series a row
/// (<c>"H1","605",…</c>), the values running until the row's last non-empty cell.</summary>
public static class M4Data
{
    /// <summary>M4 hourly forecast horizon.</summary>
    public const int Horizon = 48;

    /// <summary>M4 hourly season length (the frequency its MASE and Naive2 use).</summary>
    public const int Seasonality = 24;

    /// <summary>The series of the two files, in file order, paired by id; <paramref name="limit"/> &gt; 0 keeps the first that many.</summary>
    public static List<M4Series> Load(string trainPath, string testPath, int limit = 0)
    {
        Dictionary<string, float[]> test = Read(testPath).ToDictionary(r => r.Id, r => r.Values, StringComparer.Ordinal);
        var series = new List<M4Series>();
        foreach (var (id, values) in Read(trainPath))
        {
            if (!test.TryGetValue(id, out float[]? future)) throw new InvalidDataException($"'{testPath}' has no row for series {id}.");
            if (future.Length != Horizon) throw new InvalidDataException($"Series {id} has {future.Length} test values in '{testPath}'; M4 hourly has {Horizon}.");
            series.Add(new M4Series(id, values, future));
            if (limit > 0 && series.Count == limit) break;
        }
        return series;
    }

    private static IEnumerable<(string Id, float[] Values)> Read(string path)
    {
        using var reader = new StreamReader(path);
        string? header = reader.ReadLine();
        if (header is null || !header.StartsWith("\"V1\"", StringComparison.Ordinal)) throw new InvalidDataException($"'{path}' does not start with M4's \"V1\",… header.");
        int line = 1;
        for (string? row = reader.ReadLine(); row is not null; row = reader.ReadLine())
        {
            line++;
            string[] cells = row.Split(',');
            var values = new List<float>(cells.Length);
            for (int i = 1; i < cells.Length; i++)
            {
                string cell = cells[i].Trim('"');
                if (cell.Length == 0) break;
                if (!float.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out float v) || !float.IsFinite(v))
                    throw new InvalidDataException($"'{path}' line {line}, cell {i + 1}: '{cell}' is not a number.");
                values.Add(v);
            }
            yield return (cells[0].Trim('"'), values.ToArray());
        }
    }
}
