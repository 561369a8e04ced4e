namespace LstmMlNet.Comparison;

/// <summary>What the candidates of a classification or regression comparison read.</summary>
public sealed class ComparisonInput
{
    private ComparisonInput(string columnName, int frameSize)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(columnName);
        ColumnName = columnName;
        FrameSize = frameSize;
    }

    /// <summary>The input column.</summary>
    public string ColumnName { get; }

    /// <summary>Values per step of a numeric sequence; 0 for text.</summary>
    public int FrameSize { get; }

    /// <summary>True for a text column.</summary>
    public bool IsText => FrameSize == 0;

    /// <summary>A scalar text column. Recurrent candidates read it as <c>NormalizeText</c> (lower case, no punctuation)
    /// + <c>TokenizeIntoWords</c>; the baselines read <c>FeaturizeText</c>'s n-gram features.</summary>
    public static ComparisonInput Text(string columnName) => new(columnName, 0);

    /// <summary>A Single vector holding steps × <paramref name="frameSize"/> values (sensor data). Recurrent candidates read
    /// it as a sequence of frames; the baselines (trees, and SDCA after mean–variance normalisation) read the flat
    /// vector, which must then have a fixed size.</summary>
    public static ComparisonInput Sequence(string columnName, int frameSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(frameSize, 1);
        return new ComparisonInput(columnName, frameSize);
    }
}
