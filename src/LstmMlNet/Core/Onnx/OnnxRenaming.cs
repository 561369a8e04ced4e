using LstmMlNet.Onnx.Protobuf;

namespace LstmMlNet.Onnx;

/// <summary>
/// Copies of a graph's nodes and initializers with every name prefixed, so that several graphs built by the same exporter
/// (the members of an ensemble, whose weights and values carry the same names) can live in one graph. Names that stand for
/// values shared by all of them (the common input) and empty names (an omitted optional input) are kept. Node attributes
/// are copied as they are: this project's ONNX schema (onnx.proto) has no subgraph attributes, so no name hides in one.
/// </summary>
internal static class OnnxRenaming
{
    /// <summary>The initializers with <paramref name="prefix"/> before each name (except <paramref name="shared"/>).</summary>
    public static IEnumerable<TensorProto> Prefixed(IEnumerable<TensorProto> initializers, string prefix, params string[] shared) =>
        initializers.Select(tensor =>
        {
            TensorProto copy = tensor.Clone();
            copy.Name = Rename(copy.Name, prefix, shared);
            return copy;
        });

    /// <summary>The nodes with <paramref name="prefix"/> before their names and before every input and output name (except
    /// <paramref name="shared"/> and empty names).</summary>
    public static IEnumerable<NodeProto> Prefixed(IEnumerable<NodeProto> nodes, string prefix, params string[] shared) =>
        nodes.Select(node =>
        {
            NodeProto copy = node.Clone();
            copy.Name = string.IsNullOrEmpty(copy.Name) ? copy.Name : prefix + copy.Name;
            for (int i = 0; i < copy.Input.Count; i++) copy.Input[i] = Rename(copy.Input[i], prefix, shared);
            for (int i = 0; i < copy.Output.Count; i++) copy.Output[i] = Rename(copy.Output[i], prefix, shared);
            return copy;
        });

    private static string Rename(string name, string prefix, string[] shared) =>
        name.Length == 0 || Array.IndexOf(shared, name) >= 0 ? name : prefix + name;
}
