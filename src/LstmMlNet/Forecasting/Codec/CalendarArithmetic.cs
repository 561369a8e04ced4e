namespace LstmMlNet.Forecasting;

/// <summary>The calendar arithmetic shared by training, the exported graph (<see cref="Onnx.ForecastGraph"/>) and the engine.</summary>
internal static class CalendarArithmetic
{
    public const long TicksPerDay = TimeSpan.TicksPerDay;

    /// <summary>Days of the week cycle.</summary>
    public const long DaysPerWeek = 7;

    /// <summary>365.2425 days in ticks (exact: 315,569,520,000,000).</summary>
    public const long TicksPerYear = 315_569_520_000_000L; // 365.2425 × 864,000,000,000

    /// <summary>The features in frame order: HourOfDay, DayOfWeek, DayOfYear (those set), each sin then cos.</summary>
    public static IEnumerable<CalendarFeatures> Parts(CalendarFeatures features) => Order.Where(f => features.HasFlag(f));

    private static readonly CalendarFeatures[] Order = { CalendarFeatures.HourOfDay, CalendarFeatures.DayOfWeek, CalendarFeatures.DayOfYear };

    /// <summary>Values in the frame: 2 per feature.</summary>
    public static int Count(CalendarFeatures features) => 2 * System.Numerics.BitOperations.PopCount((uint)(features & (CalendarFeatures.HourOfDay | CalendarFeatures.DayOfWeek | CalendarFeatures.DayOfYear)));

    /// <summary>The phase in [0, 1) of <paramref name="ticks"/> for one feature, computed as the graph computes it: an
    /// integer remainder, then float32 division.</summary>
    public static float Phase(CalendarFeatures feature, long ticks) => feature switch
    {
        CalendarFeatures.HourOfDay => (float)(ticks % TicksPerDay) / TicksPerDay,
        CalendarFeatures.DayOfWeek => (float)(ticks / TicksPerDay % DaysPerWeek) / DaysPerWeek,
        CalendarFeatures.DayOfYear => (float)(ticks % TicksPerYear) / TicksPerYear,
        _ => throw new ArgumentOutOfRangeException(nameof(feature), feature, "One calendar feature."),
    };

    /// <summary>Writes the sin/cos pairs of <paramref name="features"/> at <paramref name="ticks"/> into <paramref name="frame"/>.</summary>
    public static void Write(CalendarFeatures features, long ticks, Span<float> frame)
    {
        int i = 0;
        foreach (CalendarFeatures feature in Order) // per frame step: no enumerator allocation
        {
            if (!features.HasFlag(feature)) continue;
            float angle = 2f * MathF.PI * Phase(feature, ticks);
            frame[i++] = MathF.Sin(angle);
            frame[i++] = MathF.Cos(angle);
        }
    }

    /// <summary>The automatic features for series whose typical step is <paramref name="step"/> and whose training parts
    /// span <paramref name="span"/>: time of day when a step is shorter than a day, day of the week when it is shorter than a
    /// week, time of year when it is shorter than a year and the training data spans at least a year (a shorter span cannot
    /// tell a yearly effect from a trend).</summary>
    public static CalendarFeatures Automatic(TimeSpan step, TimeSpan span)
    {
        var features = CalendarFeatures.None;
        if (step < TimeSpan.FromDays(1)) features |= CalendarFeatures.HourOfDay;
        if (step < TimeSpan.FromDays(7)) features |= CalendarFeatures.DayOfWeek;
        if (step < TimeSpan.FromDays(365) && span >= TimeSpan.FromDays(365)) features |= CalendarFeatures.DayOfYear;
        return features;
    }
}
