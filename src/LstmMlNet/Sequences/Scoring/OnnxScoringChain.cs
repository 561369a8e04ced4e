using Microsoft.ML;

namespace LstmMlNet.Onnx;

/// <summary>
/// Builds the scoring chain that stands for a trained network inside an ML.NET model: only ML.NET's own
/// saveable transforms, so <c>ml.Model.Save</c> / <c>ml.Model.Load</c> need no custom loader and the zip
/// carries the ONNX bytes. Deploying needs Microsoft.ML, Microsoft.ML.OnnxTransformer and
/// Microsoft.ML.OnnxRuntime, not TorchSharp.
/// <list type="bullet">
/// <item>Tokens: <c>MapValue</c> (vocabulary token → int64 id; a token missing from the vocabulary maps to 0,
/// the out-of-vocabulary id) into a column named like the ONNX input, then <c>ApplyOnnxModel</c>, then the
/// temporary id column is dropped.</item>
/// <item>Frames: <c>ApplyOnnxModel</c> on the float vector column (copied to a column named like the ONNX
/// input first when the names differ, and that copy dropped after).</item>
/// </list>
/// OnnxTransformer feeds a variable-length vector column to the graph input declared [1, N], the row's length
/// becoming N (an empty row gives N = 0, which the exported graph answers). Each graph output [1, K] becomes a
/// column named like the output, of type Vector&lt;Single, 1, K&gt; (the ONNX shape kept as the vector's
/// dimensions; K values per row). That holds for K = 1 too: [1, 1] gives Vector&lt;Single, 1, 1&gt;, a
/// one-value vector, not a scalar, so a binary model's probability is slot 0 of its score vector and a
/// scalar Single column (e.g. ML.NET's binary <c>Probability</c>) needs a further step.
/// </summary>
internal static class OnnxScoringChain
{
    /// <summary>The chain for a token network: <paramref name="tokensColumn"/> (vector of text) → ids → ONNX outputs.</summary>
    /// <param name="ml">The context.</param>
    /// <param name="tokensColumn">Input column: a vector of text tokens (variable length).</param>
    /// <param name="vocabulary">Token → id (ids ≥ 1; 0 is reserved for tokens not in the vocabulary).</param>
    /// <param name="onnxModel">Exported model bytes (<see cref="OnnxExporter.Export"/>).</param>
    /// <param name="onnxInputName">The graph input's name; also the name of the temporary id column.</param>
    /// <param name="onnxOutputNames">Graph outputs to expose; each becomes a column of the same name.</param>
    public static IEstimator<ITransformer> ForTokens(MLContext ml, string tokensColumn, IEnumerable<KeyValuePair<string, long>> vocabulary,
        byte[] onnxModel, string onnxInputName, params string[] onnxOutputNames)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(vocabulary);
        Check(tokensColumn, onnxModel, onnxInputName, onnxOutputNames);
        var entries = vocabulary.ToList();
        if (entries.Count == 0) throw new ArgumentException("The vocabulary must hold at least one token.", nameof(vocabulary));
        if (entries.FirstOrDefault(e => e.Value <= 0) is { Key: not null } reserved)
            throw new ArgumentException($"Token '{reserved.Key}' has id {reserved.Value}; ids start at 1 (0 means out of vocabulary).", nameof(vocabulary));

        IEstimator<ITransformer> chain = ml.Transforms.Conversion.MapValue(onnxInputName, entries, tokensColumn)
            .Append(Apply(ml, onnxOutputNames, onnxInputName, onnxModel, shapes: null));
        return onnxInputName == tokensColumn ? chain : chain.Append(ml.Transforms.DropColumns(onnxInputName));
    }

    /// <summary>The chain for a frame network: <paramref name="framesColumn"/> (float vector, steps·F values) → ONNX outputs.</summary>
    /// <param name="ml">The context.</param>
    /// <param name="framesColumn">Input column: a vector of Single, the row's frames one after another.</param>
    /// <param name="onnxModel">Exported model bytes (<see cref="OnnxExporter.Export"/>).</param>
    /// <param name="onnxInputName">The graph input's name.</param>
    /// <param name="fixedLength">The column's vector size when it is fixed (e.g. <c>[VectorType(20)]</c>), else 0.
    /// OnnxTransformer takes a fixed-size column's shape from the graph, whose symbolic N it reads as 0, so the graph
    /// input is then pinned to [1, fixedLength]; a variable-size column needs no pin (each row's length is used).</param>
    /// <param name="onnxOutputNames">Graph outputs to expose; each becomes a column of the same name.</param>
    public static IEstimator<ITransformer> ForFrames(MLContext ml, string framesColumn, byte[] onnxModel, string onnxInputName, int fixedLength,
        params string[] onnxOutputNames)
    {
        ArgumentNullException.ThrowIfNull(ml);
        Check(framesColumn, onnxModel, onnxInputName, onnxOutputNames);
        ArgumentOutOfRangeException.ThrowIfNegative(fixedLength);
        IDictionary<string, int[]>? shapes = fixedLength > 0 ? new Dictionary<string, int[]> { [onnxInputName] = new[] { 1, fixedLength } } : null;
        IEstimator<ITransformer> apply = Apply(ml, onnxOutputNames, onnxInputName, onnxModel, shapes);
        if (onnxInputName == framesColumn) return apply;
        return ml.Transforms.CopyColumns(onnxInputName, framesColumn)
            .Append(apply)
            .Append(ml.Transforms.DropColumns(onnxInputName));
    }

    /// <summary><c>ApplyOnnxModel</c> over a file of this library's (<see cref="OnnxModelFile"/>: deleted when the fitted
    /// transformer is released or collected, or at exit), not over a stream (ML.NET's copy of a stream is never deleted).</summary>
    private static IEstimator<ITransformer> Apply(MLContext ml, string[] outputs, string input, byte[] onnxModel, IDictionary<string, int[]>? shapes)
    {
        OnnxModelFile file = OnnxModelFile.Write(ml, onnxModel);
        return new FileOwningEstimator(ml.Transforms.ApplyOnnxModel(outputs, new[] { input }, file.Path, shapes!, gpuDeviceId: null, fallbackToCpu: false), file);
    }

    /// <summary>Hands its file to the transformers it fits.</summary>
    private sealed class FileOwningEstimator(IEstimator<ITransformer> inner, OnnxModelFile file) : IEstimator<ITransformer>
    {
        public ITransformer Fit(IDataView input)
        {
            ITransformer fitted = inner.Fit(input);
            file.OwnedBy(fitted);
            return fitted;
        }

        public SchemaShape GetOutputSchema(SchemaShape inputSchema) => inner.GetOutputSchema(inputSchema);
    }

    private static void Check(string inputColumn, byte[] onnxModel, string onnxInputName, string[] onnxOutputNames)
    {
        ArgumentException.ThrowIfNullOrEmpty(inputColumn);
        ArgumentNullException.ThrowIfNull(onnxModel);
        ArgumentException.ThrowIfNullOrEmpty(onnxInputName);
        ArgumentNullException.ThrowIfNull(onnxOutputNames);
        if (onnxModel.Length == 0) throw new ArgumentException("The ONNX model is empty.", nameof(onnxModel));
        if (onnxOutputNames.Length == 0) throw new ArgumentException("Name at least one ONNX output to expose.", nameof(onnxOutputNames));
        if (onnxOutputNames.Contains(onnxInputName))
            throw new ArgumentException($"'{onnxInputName}' cannot name both the ONNX input and an output.", nameof(onnxOutputNames));
    }
}
