using LstmMlNet.Engine;
using Microsoft.ML;
using Microsoft.ML.Runtime;

namespace LstmMlNet.Data;

/// <summary>
/// The feature column of a trainer read into sequences, with what the fitted model needs to score new rows the same
/// way: the vocabulary (tokens) and the truncation length. Empty token rows become one out-of-vocabulary token
/// (id 0), as the exported model does for empty input; both that and truncation are counted and logged.
/// </summary>
internal sealed class SequenceFeatures
{
    /// <summary>Rows read from a feature column: token ids, or flattened frames (steps × F values).</summary>
    public sealed record SequenceRows(List<long[]>? Tokens, List<float[]>? Frames)
    {
        public int Count => Tokens?.Count ?? Frames!.Count;
    }

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

    /// <summary>Frames computed outside this class (a pretrained encoder's), <paramref name="frameSize"/> values a step.</summary>
    public static SequenceFeatures ForFrames(int frameSize, int maxLength) => new(FeatureColumnKind.Frames, null, frameSize, maxLength);

    /// <summary>Checks the column's type, fits the vocabulary on <paramref name="data"/> and returns the training rows
    /// read as <see cref="Read"/> would (the column is read once).</summary>
    public static (SequenceFeatures Features, SequenceRows Rows) Fit(IDataView data, string column, int frameSize, int maxLength, int maxVocabulary, int minCount, IChannel? log)
    {
        DataViewSchema.Column col = SchemaErrors.Find(data.Schema, "feature", column);
        if (frameSize > 0)
        {
            if (!SchemaErrors.IsFloatVector(col.Type)) throw SchemaErrors.Mismatch("feature", column, $"a vector of Single (steps × {frameSize} values)", col.Type);
            var frames = new SequenceFeatures(FeatureColumnKind.Frames, null, frameSize, maxLength);
            return (frames, frames.Read(data, column, log));
        }
        if (SchemaErrors.IsTextVector(col.Type))
        {
            List<string[]> rows = DataViewSequenceReader.ReadTextTokens(data, column);
            var vocabulary = Vocabulary.Build(rows.Select(r => r.Length > maxLength ? r[..maxLength] : r), maxVocabulary, minCount);
            var text = new SequenceFeatures(FeatureColumnKind.TextTokens, vocabulary, 0, maxLength);
            return (text, text.Finish(rows.Select(vocabulary.Encode).ToList(), column, log));
        }
        if (SchemaErrors.IsKeyVector(col.Type))
        {
            var keys = new SequenceFeatures(FeatureColumnKind.KeyTokens, Vocabulary.FromKeyValues(KeyValueNames.Of(col)), 0, maxLength);
            return (keys, keys.Read(data, column, log));
        }
        throw SchemaErrors.Mismatch("feature", column, "a vector of Text or Key tokens, or a vector of Single with FrameSize set", col.Type);
    }

    /// <summary>Reads <paramref name="data"/>'s feature column as id sequences (tokens) or flattened frames.</summary>
    public SequenceRows Read(IDataView data, string column, IChannel? log)
    {
        if (Kind == FeatureColumnKind.Frames)
        {
            var frames = DataViewSequenceReader.ReadFrames(data, column, FrameSize);
            int truncatedFrames = 0;
            for (int i = 0; i < frames.Count; i++)
            {
                if (frames[i].Length > MaxLength * FrameSize)
                {
                    frames[i] = frames[i][..(MaxLength * FrameSize)];
                    truncatedFrames++;
                }
            }
            Report(log, column, truncatedFrames, 0);
            return new SequenceRows(null, frames);
        }
        if (Kind == FeatureColumnKind.TextTokens)
        {
            return Finish(DataViewSequenceReader.ReadTextTokens(data, column).Select(Vocabulary!.Encode).ToList(), column, log);
        }
        // Key tokens keep their key value as id; a missing key (0) is out of vocabulary.
        var (keys, _) = DataViewSequenceReader.ReadKeyTokens(data, column);
        return Finish(keys.Select(r => r.Select(k => (long)k).ToArray()).ToList(), column, log);
    }

    /// <summary>Token ids as the network reads them: an empty row becomes one out-of-vocabulary token, a long row
    /// keeps its first <see cref="MaxLength"/> tokens.</summary>
    private SequenceRows Finish(List<long[]> ids, string column, IChannel? log)
    {
        int empty = 0, truncated = 0;
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
        return new SequenceRows(ids, null);
    }

    private void Report(IChannel? log, string column, int truncated, int empty)
    {
        if (truncated > 0) log?.Info(MessageSensitivity.None, $"column '{column}': {truncated} rows longer than {MaxLength} steps keep their first {MaxLength}");
        if (empty > 0) log?.Info(MessageSensitivity.None, $"column '{column}': {empty} rows have no tokens and are read as one out-of-vocabulary token");
    }
}
