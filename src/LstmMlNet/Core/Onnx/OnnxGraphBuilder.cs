using System.Runtime.InteropServices;
using Google.Protobuf;
using LstmMlNet.Onnx.Protobuf;

namespace LstmMlNet.Onnx;

/// <summary>Appends nodes, constant initializers, inputs and outputs to an ONNX <see cref="GraphProto"/>,
/// giving every intermediate value a unique name.</summary>
internal sealed class OnnxGraphBuilder
{
    private readonly HashSet<string> names = new(StringComparer.Ordinal);
    private int counter;

    public OnnxGraphBuilder(string graphName) => Graph = new GraphProto { Name = graphName };

    public GraphProto Graph { get; }

    /// <summary>Reserves <paramref name="name"/> exactly (graph inputs and outputs); throws if taken.</summary>
    public string Reserve(string name)
    {
        if (string.IsNullOrEmpty(name)) throw new ArgumentException("ONNX value names must not be empty.", nameof(name));
        if (!names.Add(name)) throw new ArgumentException($"The ONNX value name '{name}' is used twice.", nameof(name));
        return name;
    }

    /// <summary>A fresh value name starting with <paramref name="prefix"/>.</summary>
    public string Fresh(string prefix)
    {
        string name;
        do
        {
            name = $"{prefix}_{counter++}";
        }
        while (!names.Add(name));
        return name;
    }

    /// <summary>Adds a float constant with the given dimensions (row-major values).</summary>
    public string Floats(string prefix, ReadOnlySpan<float> values, params long[] dims)
    {
        CheckCount(values.Length, dims);
        string name = Fresh(prefix);
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dims);
        if (!BitConverter.IsLittleEndian)
        {
            tensor.FloatData.AddRange(values.ToArray());
        }
        else
        {
            tensor.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values));
        }
        Graph.Initializer.Add(tensor);
        return name;
    }

    /// <summary>Adds an int64 constant: a vector, or a scalar when <paramref name="scalar"/> is true (one value).</summary>
    public string Int64s(string prefix, long[] values, bool scalar = false)
    {
        if (scalar && values.Length != 1) throw new ArgumentException("A scalar constant holds one value.", nameof(values));
        string name = Fresh(prefix);
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        if (!scalar) tensor.Dims.Add(values.Length);
        tensor.Int64Data.AddRange(values);
        Graph.Initializer.Add(tensor);
        return name;
    }

    /// <summary>Adds a node with one output, named fresh from the op type unless <paramref name="output"/> is given.</summary>
    public string Node(string opType, string[] inputs, string? output = null, params AttributeProto[] attributes)
    {
        string result = output ?? Fresh(opType.ToLowerInvariant());
        var node = new NodeProto { OpType = opType, Name = Fresh("node_" + opType) };
        node.Input.AddRange(inputs);
        node.Output.Add(result);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
        return result;
    }

    /// <summary>Adds a node with one fresh output and the exact node name <paramref name="nodeName"/> (which ONNX Runtime quotes
    /// in its error when the node fails).</summary>
    public string NamedNode(string nodeName, string opType, string[] inputs, params AttributeProto[] attributes)
    {
        string result = Fresh(opType.ToLowerInvariant());
        var node = new NodeProto { OpType = opType, Name = Reserve(nodeName) };
        node.Input.AddRange(inputs);
        node.Output.Add(result);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
        return result;
    }

    /// <summary>Declares a graph input or output: a tensor of <paramref name="elementType"/> whose
    /// dimensions are fixed sizes (long) or symbolic names (string).</summary>
    public static ValueInfoProto Value(string name, TensorProto.Types.DataType elementType, params object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (object dim in dims)
        {
            shape.Dim.Add(dim switch
            {
                long size => new TensorShapeProto.Types.Dimension { DimValue = size },
                int size => new TensorShapeProto.Types.Dimension { DimValue = size },
                string symbol => new TensorShapeProto.Types.Dimension { DimParam = symbol },
                _ => throw new ArgumentException($"A dimension is a size or a symbol, not {dim}.", nameof(dims)),
            });
        }
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)elementType, Shape = shape } },
        };
    }

    public static AttributeProto Attribute(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Attribute(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    public static AttributeProto Attribute(string name, long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    public static AttributeProto Attribute(string name, string[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Strings };
        attribute.Strings.AddRange(values.Select(ByteString.CopyFromUtf8));
        return attribute;
    }

    private static void CheckCount(int count, long[] dims)
    {
        long expected = dims.Aggregate(1L, (a, b) => a * b);
        if (expected != count)
            throw new ArgumentException($"A tensor of shape [{string.Join(", ", dims)}] needs {expected} values, got {count}.", nameof(dims));
    }
}
