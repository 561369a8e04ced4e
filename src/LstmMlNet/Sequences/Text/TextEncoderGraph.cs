using Google.Protobuf;
using LstmMlNet.Onnx.Protobuf;

namespace LstmMlNet.Onnx;

/// <summary>
/// What a model on a pretrained text encoder shares with any encoder: the names of the graph's text input and of the
/// frames the encoder's front gives the network, the ONNX model frame of a front (opsets: the default domain,
/// ai.onnx.ml and com.microsoft, all built into ONNX Runtime), and <see cref="Compose"/>, which puts a network exported
/// on frames behind a front so the saved model is one ONNX graph. The fronts themselves (tokeniser, encoder) are in
/// the encoder packages (LstmMlNet.Text.MiniLM).
/// </summary>
internal static class TextEncoderGraph
{
    /// <summary>The graph input: the row's normalised texts, string [1, C] (a scalar column gives C = 1; the C texts
    /// are read one after another).</summary>
    public const string TextInput = "LstmMlNet.Text";

    /// <summary>The front's output and the network's input: float frames [1, steps·width].</summary>
    public const string FramesOutput = "LstmMlNet.Frames";

    private const string FrontPrefix = "text/";

    /// <summary>One graph: <paramref name="front"/>'s text input → frames → the frame network <paramref name="network"/>
    /// (exported with input <see cref="FramesOutput"/>) → the network's outputs, metadata and checksum of the network,
    /// and the metadata entry text_encoder = <paramref name="encoder"/> (which encoder, from which package).</summary>
    public static byte[] Compose(ModelProto front, byte[] network, string encoder)
    {
        ArgumentNullException.ThrowIfNull(front);
        ArgumentNullException.ThrowIfNull(network);
        ArgumentException.ThrowIfNullOrWhiteSpace(encoder);
        ModelProto head = ModelProto.Parser.ParseFrom(network);
        if (head.Graph.Input.Count != 1 || head.Graph.Input[0].Name != FramesOutput)
            throw new ArgumentException($"The network must have the single input '{FramesOutput}'.", nameof(network));
        GraphProto f = front.Graph.Clone();
        // Everything of the front but its input and the frames value moves under a prefix, so no name meets the network's.
        Prefix(f, FrontPrefix, TextInput, FramesOutput);
        var graph = new GraphProto { Name = head.Graph.Name };
        graph.Input.AddRange(f.Input);
        graph.Node.AddRange(f.Node);
        graph.Initializer.AddRange(f.Initializer);
        graph.Node.AddRange(head.Graph.Node);
        graph.Initializer.AddRange(head.Graph.Initializer);
        graph.Output.AddRange(head.Graph.Output);
        ModelProto model = Model(graph);
        model.ProducerName = head.ProducerName;
        model.ProducerVersion = head.ProducerVersion;
        model.MetadataProps.AddRange(head.MetadataProps.Where(p => p.Key != LstmModelChecksum.MetadataKey));
        model.MetadataProps.Add(new StringStringEntryProto { Key = "text_encoder", Value = encoder });
        LstmModelChecksum.Stamp(model);
        return model.ToByteArray();
    }

    /// <summary>A model around <paramref name="graph"/> with the opsets of a front: the default domain at
    /// <see cref="OnnxExporter.OpsetVersion"/>, ai.onnx.ml 2 and com.microsoft 1.</summary>
    public static ModelProto Model(GraphProto graph)
    {
        var model = new ModelProto { IrVersion = OnnxExporter.IrVersion, ProducerName = OnnxExporter.ProducerName, ModelVersion = 1, Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = OnnxExporter.OpsetVersion });
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "ai.onnx.ml", Version = 2 });
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "com.microsoft", Version = 1 });
        return model;
    }

    /// <summary>Prefixes every value and node name of <paramref name="graph"/> (inputs, outputs, initializers, node
    /// inputs and outputs, value infos) except <paramref name="keep"/>; empty names (absent optional inputs) stay empty.</summary>
    public static void Prefix(GraphProto graph, string prefix, params string[] keep)
    {
        var kept = new HashSet<string>(keep, StringComparer.Ordinal);
        string Rename(string name) => name.Length == 0 || kept.Contains(name) ? name : prefix + name;
        foreach (NodeProto node in graph.Node)
        {
            if (node.Attribute.Any(a => a.Type is AttributeProto.Types.AttributeType.Graph or AttributeProto.Types.AttributeType.Graphs))
                throw new NotSupportedException($"Node '{node.Name}' ({node.OpType}) holds a subgraph, which the composition does not rename.");
            node.Name = Rename(node.Name);
            for (int i = 0; i < node.Input.Count; i++) node.Input[i] = Rename(node.Input[i]);
            for (int i = 0; i < node.Output.Count; i++) node.Output[i] = Rename(node.Output[i]);
        }
        foreach (TensorProto t in graph.Initializer) t.Name = Rename(t.Name);
        foreach (ValueInfoProto v in graph.Input) v.Name = Rename(v.Name);
        foreach (ValueInfoProto v in graph.Output) v.Name = Rename(v.Name);
        foreach (ValueInfoProto v in graph.ValueInfo) v.Name = Rename(v.Name);
    }
}
