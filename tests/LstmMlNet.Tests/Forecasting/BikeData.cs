using Microsoft.ML;
using LstmMlNet.Tests.Infrastructure;
using Microsoft.ML.Data;

namespace LstmMlNet.Tests.Forecasting;

/// <summary>UCI bike sharing, daily (../shared/data/bike/day.csv): 2011 = yr 0 (365 rows), 2012 = yr 1 (366 rows).</summary>
public sealed class BikeDay
{
    [LoadColumn(3)] public float Year { get; set; }
    [LoadColumn(5)] public float Holiday { get; set; }
    [LoadColumn(6)] public float Weekday { get; set; }
    [LoadColumn(7)] public float WorkingDay { get; set; }
    [LoadColumn(8)] public float Weather { get; set; }
    [LoadColumn(9)] public float Temperature { get; set; }
    [LoadColumn(11)] public float Humidity { get; set; }
    [LoadColumn(12)] public float WindSpeed { get; set; }
    [LoadColumn(15)] public float Count { get; set; }
}

/// <summary>The forecast columns as ForecastBySsa's tutorial names them.</summary>
public sealed class BikeForecast
{
    public float[] Forecast { get; set; } = Array.Empty<float>();
    public float[] LowerBound { get; set; } = Array.Empty<float>();
    public float[] UpperBound { get; set; } = Array.Empty<float>();
}

internal static class BikeData
{
    public static BikeDay[] Days()
    {
        var ml = new MLContext();
        IDataView view = ml.Data.LoadFromTextFile<BikeDay>(SharedData.Path("bike", "day.csv"), hasHeader: true, separatorChar: ',');
        return ml.Data.CreateEnumerable<BikeDay>(view, reuseRowObject: false).ToArray();
    }

    /// <summary>Covariates known ahead: calendar (weekday one-hot would add 7; a weekday number and working-day flag
    /// carry the weekly pattern) and the day's weather, taken as a perfect forecast.</summary>
    public static readonly string[] CalendarCovariates = { nameof(BikeDay.Holiday), nameof(BikeDay.Weekday), nameof(BikeDay.WorkingDay) };

    public static readonly string[] WeatherCovariates =
        { nameof(BikeDay.Holiday), nameof(BikeDay.Weekday), nameof(BikeDay.WorkingDay), nameof(BikeDay.Weather), nameof(BikeDay.Temperature), nameof(BikeDay.Humidity), nameof(BikeDay.WindSpeed) };
}
