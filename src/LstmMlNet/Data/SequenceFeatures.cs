using LstmMlNet.Engine;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace LstmMlNet.Data;

/// <summary>How a trainer's feature column is read: text tokens with a vocabulary built at Fit, key-typed tokens
/// whose key values become the vocabulary, or float frames.</summary>
internal enum FeatureColumnKind
{
    TextTokens,
    KeyTokens,
    Frames,
}

/// <summary>
/// The feature column of a trainer read into sequences, with what the fitted model needs to score new rows the same
/// way: the vocabulary (tokens) and the truncation length. Empty token rows become one out-of-vocabulary token
/// (id 0), as the exported model does for empty input; both that and truncation are counted and logged.
/// </summary>
internal sealed class SequenceFeatures
{
    private SequenceFeatures(FeatureColumnKind kind, Vocabulary? vocabulary, int frameSize, int maxLength)
    {
        Kind = kind;
        Vocabulary = vocabulary;
        FrameSize = frameSize;
        MaxLength = maxLength;
    }

    public FeatureColumnKind Kind { get; }

    public Vocabulary? Vocabulary { get; }

    public int FrameSize { get; }

    public int MaxLength { get; }

    public SequenceInputKind InputKind => Kind == FeatureColumnKind.Frames ? SequenceInputKind.Frames : SequenceInputKind.Tokens;

    /// <summary>Checks the column's type and fits the vocabulary on <paramref name="data"/>.</summary>
    public static SequenceFeatures Fit(IDataView data, string column, int frameSize, int maxLength, int maxVocabulary, int minCount)
    {
        DataViewSchema.Column col = SchemaErrors.Find(data.Schema, "feature", column);
        if (frameSize > 0)
        {
            if (!SchemaErrors.IsFloatVector(col.Type)) throw SchemaErrors.Mismatch("feature", column, $"a vector of Single (steps × {frameSize} values)", col.Type);
            return new SequenceFeatures(FeatureColumnKind.Frames, null, frameSize, maxLength);
        }
        if (SchemaErrors.IsTextVector(col.Type))
        {
            var rows = DataViewSequenceReader.ReadTextTokens(data, column);
            return new SequenceFeatures(FeatureColumnKind.TextTokens, Vocabulary.Build(rows.Select(r => r.Length > maxLength ? r[..maxLength] : r), maxVocabulary, minCount), 0, maxLength);
        }
        if (SchemaErrors.IsKeyVector(col.Type))
        {
            return new SequenceFeatures(FeatureColumnKind.KeyTokens, Vocabulary.FromKeyValues(KeyValues(col)), 0, maxLength);
        }
        throw SchemaErrors.Mismatch("feature", column, "a vector of Text or Key tokens, or a vector of Single with FrameSize set", col.Type);
    }

    /// <summary>The text of each key of a key-typed vector column (1-based key k at index k − 1); the key
    /// index itself when the column carries no key values.</summary>
    public static string[] KeyValues(DataViewSchema.Column col)
    {
        var key = (KeyDataViewType)((VectorDataViewType)col.Type).ItemType;
        VBuffer<ReadOnlyMemory<char>> values = default;
        if (col.HasKeyValues())
        {
            col.GetKeyValues(ref values);
            return values.DenseValues().Select(v => v.ToString()).ToArray();
        }
        return Enumerable.Range(1, checked((int)key.Count)).Select(k => k.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    }

    /// <summary>Reads <paramref name="data"/>'s feature column as id sequences (tokens) or flattened frames.</summary>
    public (List<long[]>? Tokens, List<float[]>? Frames) Read(IDataView data, string column, IChannel? log)
    {
        int truncated = 0;
        if (Kind == FeatureColumnKind.Frames)
        {
            var frames = DataViewSequenceReader.ReadFrames(data, column, FrameSize);
            for (int i = 0; i < frames.Count; i++)
            {
                if (frames[i].Length > MaxLength * FrameSize)
                {
                    frames[i] = frames[i][..(MaxLength * FrameSize)];
                    truncated++;
                }
            }
            Report(log, column, truncated, 0);
            return (null, frames);
        }

        List<long[]> ids;
        if (Kind == FeatureColumnKind.TextTokens)
        {
            ids = DataViewSequenceReader.ReadTextTokens(data, column).Select(Vocabulary!.Encode).ToList();
        }
        else
        {
            // Key tokens keep their key value as id; a missing key (0) is out of vocabulary.
            var (rows, _) = DataViewSequenceReader.ReadKeyTokens(data, column);
            ids = rows.Select(r => r.Select(k => (long)k).ToArray()).ToList();
        }
        int empty = 0;
        for (int i = 0; i < ids.Count; i++)
        {
            if (ids[i].Length == 0)
            {
                ids[i] = new long[] { 0 };
                empty++;
            }
            else if (ids[i].Length > MaxLength)
            {
                ids[i] = ids[i][..MaxLength];
                truncated++;
            }
        }
        Report(log, column, truncated, empty);
        return (ids, null);
    }

    private void Report(IChannel? log, string column, int truncated, int empty)
    {
        if (truncated > 0) log?.Info(MessageSensitivity.None, $"column '{column}': {truncated} rows longer than {MaxLength} steps keep their first {MaxLength}");
        if (empty > 0) log?.Info(MessageSensitivity.None, $"column '{column}': {empty} rows have no tokens and are read as one out-of-vocabulary token");
    }
}
