using static LstmMlNet.Onnx.OnnxGraphBuilder;
using DataType = LstmMlNet.Onnx.Protobuf.TensorProto.Types.DataType;

namespace LstmMlNet.Onnx;

/// <summary>
/// Checks of a row's input written into the exported graph itself, so that they hold in every ONNX Runtime (ML.NET's
/// ApplyOnnxModel, Python, C++, a server), not only behind this library:
/// <list type="bullet">
/// <item>Non-finite input scores NaN. ONNX Runtime's LSTM/GRU/RNN kernels turn NaN and ±Infinity inputs into finite
/// outputs (ONNX Runtime 1.31), where ML.NET's own trainers score NaN. <see cref="NonFinite"/> is true when any value of
/// its inputs is NaN or infinite (IsNaN, IsInf, Or, Cast, ReduceSum, Greater: a bool scalar, false for an empty input),
/// and <see cref="NanWhere"/> replaces a whole output by NaN where that flag is true.</item>
/// <item>A frame row must hold a whole number of frames: <see cref="FrameRows"/> reshapes the input [1, N] to
/// [N/F, F], a Reshape that fails for N not a multiple of F. ONNX has no assert operator, so the message is the
/// node's name, which ONNX Runtime's error quotes with the input shape {1, N} beside it; the reshaped rows feed the
/// non-finite check, so no runtime prunes the node.</item>
/// </list>
/// </summary>
internal static class OnnxInputGuards
{
    /// <summary>The node name, and so the error text, of the frame-length check of <paramref name="column"/>.</summary>
    public static string FrameLengthMessage(string column, int frameSize) =>
        $"LstmMlNet: each row of the column '{column}' must hold whole frames, a multiple of FrameSize = {frameSize} values; " +
        "this row's length is the second number of the input shape {1, length}";

    /// <summary>The frames [1, N] as rows [N/F, F]; fails at run time, naming <paramref name="column"/> and F, when N is not a
    /// multiple of <paramref name="frameSize"/>. N = 0 gives [0, F].</summary>
    public static string FrameRows(OnnxGraphBuilder g, string input, string column, int frameSize) =>
        g.NamedNode(FrameLengthMessage(column, frameSize), "Reshape", new[] { input, g.Int64s("frame_rows", new[] { -1L, frameSize }) });

    /// <summary>A bool scalar: true when any value of the float tensors <paramref name="values"/> is NaN or ±Infinity.</summary>
    public static string NonFinite(OnnxGraphBuilder g, params string[] values)
    {
        if (values.Length == 0) throw new ArgumentException("Name at least one value to check.", nameof(values));
        string? count = null;
        foreach (string value in values)
        {
            string bad = g.Node("Or", new[] { g.Node("IsNaN", new[] { value }), g.Node("IsInf", new[] { value }) });
            string sum = g.Node("ReduceSum", new[] { g.Node("Cast", new[] { bad }, null, Attribute("to", (long)DataType.Float)) }, null, Attribute("keepdims", 0L));
            count = count is null ? sum : g.Node("Add", new[] { count, sum });
        }
        return g.Node("Greater", new[] { count!, g.Floats("no_bad_values", new[] { 0f }) });
    }

    /// <summary>Per row of a batch: a bool [B, 1] that is true where the row of any of <paramref name="values"/> (each
    /// [B, n]) holds a NaN or ±Infinity.</summary>
    public static string NonFiniteRows(OnnxGraphBuilder g, params string[] values)
    {
        if (values.Length == 0) throw new ArgumentException("Name at least one value to check.", nameof(values));
        string? count = null;
        foreach (string value in values)
        {
            string bad = g.Node("Or", new[] { g.Node("IsNaN", new[] { value }), g.Node("IsInf", new[] { value }) });
            string sum = g.Node("ReduceSum", new[] { g.Node("Cast", new[] { bad }, null, Attribute("to", (long)DataType.Float)), g.Int64s("row_axis", new[] { 1L }) }, null, Attribute("keepdims", 1L));
            count = count is null ? sum : g.Node("Add", new[] { count, sum });
        }
        return g.Node("Greater", new[] { count!, g.Floats("no_bad_values", new[] { 0f }) });
    }

    /// <summary><paramref name="value"/>, or NaN in every element where the bool <paramref name="flag"/> is true (a scalar, or [B, 1] per row).</summary>
    public static string NanWhere(OnnxGraphBuilder g, string flag, string value) =>
        g.Node("Where", new[] { flag, g.Floats("nan", new[] { float.NaN }), value });
}
