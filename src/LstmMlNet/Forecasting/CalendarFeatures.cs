namespace LstmMlNet;

/// <summary>Calendar inputs a forecaster derives from a timestamp column
/// (<see cref="LstmForecastingOptions.TimestampColumnName"/>), each as a sine/cosine pair of its phase so that the end of a
/// cycle meets its start (23:00 next to 0:00, Sunday next to Monday). They are known for future steps, so they enter every
/// past and future step of a window. Holidays and other irregular days stay user covariates.</summary>
[Flags]
public enum CalendarFeatures
{
    /// <summary>No calendar inputs.</summary>
    None = 0,

    /// <summary>Time of day: phase (ticks mod 1 day) / 1 day.</summary>
    HourOfDay = 1,

    /// <summary>Day of the week: phase (whole days since 0001-01-01, a Monday, mod 7) / 7.</summary>
    DayOfWeek = 2,

    /// <summary>Time of the year: phase (ticks mod 365.2425 days) / 365.2425 days, the mean Gregorian year, so it drifts by
    /// less than a day from the calendar date over centuries and needs no leap-year rule (the same in C# and in ONNX).</summary>
    DayOfYear = 4,
}
