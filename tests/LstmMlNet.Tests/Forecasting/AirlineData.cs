using System.Globalization;
using LstmMlNet.Tests.Infrastructure;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LstmMlNet.Tests.Forecasting;

/// <summary>One month of the Box &amp; Jenkins airline series (../shared/data/airline/air_passengers.csv, 1949-01 to
/// 1960-12, thousands of passengers) with the calendar covariates of Darts' RNN example: the year and a one-hot month.</summary>
public sealed class AirMonth
{
    public float Passengers { get; set; }
    public float Year { get; set; }
    public float Jan { get; set; }
    public float Feb { get; set; }
    public float Mar { get; set; }
    public float Apr { get; set; }
    public float May { get; set; }
    public float Jun { get; set; }
    public float Jul { get; set; }
    public float Aug { get; set; }
    public float Sep { get; set; }
    public float Oct { get; set; }
    public float Nov { get; set; }
    public float Dec { get; set; }
}

internal static class AirlineData
{
    /// <summary>Year, then the twelve month indicators.</summary>
    public static readonly string[] Covariates =
        { "Year", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

    /// <summary>Rows 0..119 are 1949-01..1958-12; row 120 is 1959-01.</summary>
    public const int FirstOf1959 = 120;

    private sealed class CsvRow
    {
        [LoadColumn(0)] public string Date { get; set; } = string.Empty;
        [LoadColumn(1)] public float Traffic { get; set; }
    }

    public static AirMonth[] Months()
    {
        var ml = new MLContext();
        IDataView view = ml.Data.LoadFromTextFile<CsvRow>(SharedData.Path("airline", "air_passengers.csv"), separatorChar: ',', hasHeader: true, allowQuoting: true);
        return ml.Data.CreateEnumerable<CsvRow>(view, reuseRowObject: false).Select(r =>
        {
            DateTime date = DateTime.ParseExact(r.Date, "MMM yyyy", CultureInfo.InvariantCulture);
            var month = new AirMonth { Passengers = r.Traffic, Year = date.Year };
            typeof(AirMonth).GetProperty(Covariates[date.Month])!.SetValue(month, 1f);
            return month;
        }).ToArray();
    }
}
