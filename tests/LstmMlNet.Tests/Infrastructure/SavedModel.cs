using Microsoft.ML;

namespace LstmMlNet.Tests.Infrastructure;

/// <summary>The separate load path a scoring app takes: <c>ml.Model.Save</c> to a stream, then <c>Model.Load</c> by a new
/// <see cref="MLContext"/> that never fitted anything. Release the loaded model with <see cref="Released.After"/>.</summary>
internal static class SavedModel
{
    /// <summary>The new context and the model it loaded from what <paramref name="ml"/> saved of <paramref name="model"/>
    /// with <paramref name="inputSchema"/>.</summary>
    public static (MLContext Context, ITransformer Model) LoadInNewContext(MLContext ml, ITransformer model, DataViewSchema inputSchema)
    {
        var stream = new MemoryStream();
        ml.Model.Save(model, inputSchema, stream);
        stream.Position = 0;
        var other = new MLContext();
        return (other, other.Model.Load(stream, out _));
    }
}
