using Microsoft.ML.Data;

namespace LstmMlNet.Tests.Catalog;

/// <summary>A row of the AG News CSV: class (1..4), title, description.</summary>
public sealed class NewsRow
{
    [LoadColumn(0)]
    public string Class { get; set; } = "";

    [LoadColumn(1)]
    public string Title { get; set; } = "";

    [LoadColumn(2)]
    public string Description { get; set; } = "";
}
