using Microsoft.ML.Data;

namespace LstmMlNet.Tests.Catalog;

/// <summary>A row of the UCI sentiment sentences (sentence TAB 0/1).</summary>
public sealed class SentimentRow
{
    [LoadColumn(0)]
    public string Text { get; set; } = "";

    [LoadColumn(1)]
    public bool Label { get; set; }
}
