namespace LstmMlNet.Catalog;

/// <summary>Labels read from the label column: class indices (0-based) with their names, or float targets.</summary>
internal sealed record LabelData(long[]? Classes, float[]? Values, int Outputs, string[]? ClassNames)
{
    public int Count => Classes?.Length ?? Values!.Length / Outputs;
}
