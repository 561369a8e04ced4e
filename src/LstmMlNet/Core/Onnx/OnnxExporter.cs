using System.Globalization;
using LstmMlNet.Engine;
using LstmMlNet.Onnx.Protobuf;
using TorchSharp.Modules;
using static LstmMlNet.Onnx.OnnxGraphBuilder;
using static TorchSharp.torch;
using DataType = LstmMlNet.Onnx.Protobuf.TensorProto.Types.DataType;

namespace LstmMlNet.Onnx;

/// <summary>
/// Writes a <see cref="SequenceNetwork"/> (in inference form: no dropout) as an ONNX model, opset 17, batch of one.
/// <list type="bullet">
/// <item>Input: int64 token ids [1, N] or float frames [1, N] with N = steps·F, N symbolic — the form OnnxTransformer
/// feeds from a variable-length vector column. An empty row (N = 0) is read as one out-of-vocabulary token (id 0)
/// or one all-zero frame (before normalisation), so every row gets a score. A frame row whose length is not a multiple
/// of F fails with an error naming the input and F, and a frame row holding NaN or ±Infinity scores NaN in every output
/// (<see cref="OnnxInputGuards"/>).</item>
/// <item>Frames: x' = (x − mean) · scale per feature, then the optional projection (MatMul + Add).
/// Tokens: Gather from the embedding table (with subwords, the table of each row's mean of its own and its n-gram
/// vectors, computed at export).</item>
/// <item>One ONNX LSTM/GRU/RNN node per layer over [steps, 1, I], weights moved from PyTorch to ONNX gate order
/// (LSTM i,f,g,o → i,o,f,c; GRU r,z,n → z,r,h with linear_before_reset = 1; RNN Tanh or Relu), B = [W_b ; R_b];
/// the output Y [steps, dirs, 1, H] is reshaped to [steps, 1, dirs·H] for the next layer. The variants:
/// peephole LSTM with the optional input P [dirs, 3H] (p_i, p_f, p_o → i, o, f); the 1997 LSTM (i,g,o → i,o,f,c) with
/// a zero forget block in W and R and the forget bias W_bf = <see cref="NoForgetGateBias"/>, so that f = σ(10⁴) = 1.0
/// exactly in float32; the CIFG LSTM with input_forget = 1 and a zero forget block; the Cho GRU with
/// linear_before_reset = 0.</item>
/// <item>Pooling Last / Mean / Max / Attention over the steps (with the bag of embeddings, the steps' mean input
/// concatenated after it), the head as Gemm, then Softmax, Sigmoid or nothing; or, with
/// <see cref="OnnxExportOptions.StepOutputs"/> = K, no pooling: the head on each of the last K steps (plus the step skip of
/// their frames when the network has one), flattened to [1, K·Outputs].</item>
/// </list>
/// </summary>
internal static class OnnxExporter
{
    /// <summary>The ONNX operator set the graph uses.</summary>
    public const int OpsetVersion = 17;

    /// <summary>IR version matching opset 17 (ONNX 1.12).</summary>
    public const long IrVersion = 8;

    /// <summary>The model's producer_name.</summary>
    public const string ProducerName = "LstmMlNet";

    /// <summary>Forget-gate bias that writes the 1997 LSTM (no forget gate) as an ONNX LSTM: σ(10⁴) rounds to exactly
    /// 1.0 in float32 (1 − σ(x) = e^(−x)/(1 + e^(−x)) is below half an ulp of 1, 2^−25, for every x &gt; 17.4), and the
    /// forget weights are zero, so 1.0 · c + i ⊙ g is the sum c + i ⊙ g of the TorchSharp cell.</summary>
    public const float NoForgetGateBias = 1e4f;

    /// <summary>Serialises <paramref name="network"/> as ONNX model bytes.</summary>
    public static byte[] Export(SequenceNetwork network, OnnxExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(options);
        NetworkSpec spec = network.Spec;
        CheckOptions(spec, options);
        if (options.BatchSteps > 0) return ExportBatch(network, options);

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var g = new OnnxGraphBuilder("LstmMlNet");
        string input = g.Reserve(options.InputName);
        string score = g.Reserve(options.ScoreName);
        string? logitOutput = options.LogitName is null ? null : g.Reserve(options.LogitName);

        string? frames = null;
        string? nonFinite = null;
        string steps = spec.Input is TokenInput
            ? TokenSteps(g, network, input, options.MaxLength)
            : FrameSteps(g, network, input, options, out frames, out nonFinite);
        string encoded = Encoder(g, network.Encoder, steps, batched: false);
        int k = options.StepOutputs;
        string pooled = k > 0
            ? g.Node("Reshape", new[] { g.Node("Slice", new[] { encoded, g.Int64s("last_steps", new[] { (long)-k }), g.Int64s("end", new[] { long.MaxValue }), g.Int64s("axis0", new[] { 0L }) }),
                g.Int64s("step_rows", new[] { (long)k, spec.Encoder.OutputSize }) })
            : Pool(g, network.Pooling, encoded, spec);
        if (spec.BagOfEmbeddings)
        {
            // The bag of embeddings: the mean of the step inputs [steps, 1, E] → [1, E], after the pooled vector.
            string bag = g.Node("ReduceMean", new[] { steps }, null, Attribute("axes", new[] { 0L }), Attribute("keepdims", 0L));
            pooled = g.Node("Concat", new[] { pooled, bag }, null, Attribute("axis", 1L));
        }

        Linear head = network.Head;
        string logits = g.Node("Gemm",
            new[] { pooled, g.Floats("head_weight", Values(head.weight!), spec.Outputs, spec.HeadInputSize), g.Floats("head_bias", Values(head.bias!), spec.Outputs) },
            null, Attribute("transB", 1L));
        if (network.Skip is { } skip && frames is not null)
        {
            // The step skip: the last K frames [K, F] through the bias-free F → Outputs map, added to the head output.
            string lastFrames = g.Node("Slice", new[] { g.Node("Reshape", new[] { frames, g.Int64s("frame_rows", new[] { -1L, spec.FrameSize }) }),
                g.Int64s("last_steps", new[] { (long)-k }), g.Int64s("end", new[] { long.MaxValue }), g.Int64s("axis0", new[] { 0L }) });
            logits = g.Node("Add", new[] { logits, g.Node("MatMul", new[] { lastFrames, g.Floats("skip_weight_t", Values(skip.weight!.t()), spec.FrameSize, spec.Outputs) }) });
        }
        string activation = options.Head switch
        {
            OnnxHead.Softmax => "Softmax",
            OnnxHead.Sigmoid => "Sigmoid",
            _ => "Identity",
        };
        string activated = g.Node(activation, new[] { logits }, null, options.Head == OnnxHead.Softmax ? new[] { Attribute("axis", 1L) } : Array.Empty<AttributeProto>());
        if (nonFinite is not null)
        {
            // A row with a NaN or infinite value scores NaN (the recurrent kernels would make it finite).
            activated = OnnxInputGuards.NanWhere(g, nonFinite, activated);
            logits = OnnxInputGuards.NanWhere(g, nonFinite, logits);
        }

        if (k > 0)
        {
            string flat = g.Int64s("one_row", new[] { 1L, -1L });
            activated = g.Node("Reshape", new[] { activated, flat });
            logits = g.Node("Reshape", new[] { logits, flat });
        }
        int width = spec.Outputs * Math.Max(k, 1);
        g.Graph.Input.Add(Value(input, spec.Input is TokenInput ? DataType.Int64 : DataType.Float, 1L, "N"));
        g.Graph.Output.Add(Output(g, activated, score, width));
        if (logitOutput is not null) g.Graph.Output.Add(Output(g, logits, logitOutput, width));
        return ModelBytes(g, Metadata(spec, options));
    }

    /// <summary>The model around <paramref name="g"/>'s graph: this exporter's IR, producer and opset, the
    /// <paramref name="metadata"/>, and the checksum.</summary>
    internal static byte[] ModelBytes(OnnxGraphBuilder g, IEnumerable<KeyValuePair<string, string>> metadata)
    {
        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = ProducerName,
            ProducerVersion = typeof(OnnxExporter).Assembly.GetName().Version?.ToString() ?? "0.0.0.0",
            ModelVersion = 1,
            Graph = g.Graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = OpsetVersion });
        foreach (var (key, value) in metadata) model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        LstmModelChecksum.Stamp(model);
        return Google.Protobuf.MessageExtensions.ToByteArray(model);
    }

    /// <summary>The batch form (<see cref="OnnxExportOptions.BatchSteps"/> = S): frames [B, S·F] → [S, B, F] (time-major, as
    /// the ONNX recurrent operators read a batch), the projection, the layers with their outputs [S, B, dirs·H], the head
    /// (and the step skip) on the last K steps, and the output [B, K·Outputs] in the row layout of the batch-of-one form.</summary>
    private static byte[] ExportBatch(SequenceNetwork network, OnnxExportOptions options)
    {
        NetworkSpec spec = network.Spec;
        int f = spec.FrameSize, k = options.StepOutputs, stepCount = options.BatchSteps;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var g = new OnnxGraphBuilder("LstmMlNet");
        string input = g.Reserve(options.InputName);
        string score = g.Reserve(options.ScoreName);
        string? logitOutput = options.LogitName is null ? null : g.Reserve(options.LogitName);
        string frames = g.Node("Transpose", new[] { g.Node("Reshape", new[] { input, g.Int64s("batch_steps_shape", new[] { -1L, stepCount, f }) }) }, null,
            Attribute("perm", new[] { 1L, 0L, 2L }));
        if (options.FrameMean is { } mean) frames = g.Node("Sub", new[] { frames, g.Floats("frame_mean", mean, f) });
        if (options.FrameScale is { } frameScale) frames = g.Node("Mul", new[] { frames, g.Floats("frame_scale", frameScale, f) });
        string x = frames;
        if (network.Projection is { } projection)
        {
            int p = spec.ProjectionSize;
            x = g.Node("MatMul", new[] { x, g.Floats("projection_weight_t", Values(projection.weight!.t()), f, p) });
            x = g.Node("Add", new[] { x, g.Floats("projection_bias", Values(projection.bias!), p) });
        }
        string encoded = Encoder(g, network.Encoder, x, batched: true);
        string axis0 = g.Int64s("axis0", new[] { 0L });
        string lastSteps = g.Int64s("last_steps", new[] { (long)-k });
        string end = g.Int64s("end", new[] { long.MaxValue });
        string last = g.Node("Slice", new[] { encoded, lastSteps, end, axis0 }); // [K, B, D]
        Linear head = network.Head;
        string logits = g.Node("Add", new[]
        {
            g.Node("MatMul", new[] { last, g.Floats("head_weight_t", Values(head.weight!.t()), spec.HeadInputSize, spec.Outputs) }),
            g.Floats("head_bias", Values(head.bias!), spec.Outputs),
        });
        if (network.Skip is { } skip)
        {
            string lastFrames = g.Node("Slice", new[] { frames, lastSteps, end, axis0 }); // [K, B, F]
            logits = g.Node("Add", new[] { logits, g.Node("MatMul", new[] { lastFrames, g.Floats("skip_weight_t", Values(skip.weight!.t()), f, spec.Outputs) }) });
        }
        // [K, B, O] → [B, K, O] → [B, K·O]: each row step-major, as the batch-of-one form.
        logits = g.Node("Reshape", new[] { g.Node("Transpose", new[] { logits }, null, Attribute("perm", new[] { 1L, 0L, 2L })), g.Int64s("batch_rows", new[] { 0L, -1L }) });
        string activated = options.Head switch
        {
            OnnxHead.Softmax => throw new ArgumentException("The batch form writes per-step outputs; a softmax head is not supported.", nameof(options)),
            OnnxHead.Sigmoid => g.Node("Sigmoid", new[] { logits }),
            _ => g.Node("Identity", new[] { logits }),
        };
        int width = spec.Outputs * k;
        g.Graph.Input.Add(Value(input, DataType.Float, "B", (long)stepCount * f));
        g.Node("Identity", new[] { activated }, score);
        g.Graph.Output.Add(Value(score, DataType.Float, "B", (long)width));
        if (logitOutput is not null)
        {
            g.Node("Identity", new[] { logits }, logitOutput);
            g.Graph.Output.Add(Value(logitOutput, DataType.Float, "B", (long)width));
        }
        return ModelBytes(g, Metadata(spec, options));
    }

    /// <summary>Names <paramref name="value"/> [1, K] as the float graph output <paramref name="name"/>.</summary>
    private static ValueInfoProto Output(OnnxGraphBuilder g, string value, string name, int width)
    {
        g.Node("Identity", new[] { value }, name);
        return Value(name, DataType.Float, 1L, (long)width);
    }

    /// <summary>The metadata_props written: the network's shape, then <see cref="OnnxExportOptions.Metadata"/>.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Metadata(NetworkSpec spec, OnnxExportOptions options)
    {
        var entries = new List<KeyValuePair<string, string>>
        {
            new("lstmmlnet.input", spec.Input.Kind.ToString()),
            new("lstmmlnet.cell", spec.Cell.ToString()),
            new("lstmmlnet.hidden_size", spec.HiddenSize.ToString(CultureInfo.InvariantCulture)),
            new("lstmmlnet.layers", spec.Layers.ToString(CultureInfo.InvariantCulture)),
            new("lstmmlnet.bidirectional", spec.Bidirectional ? "true" : "false"),
            new("lstmmlnet.dropout", spec.Dropout.ToString("R", CultureInfo.InvariantCulture)),
            new("lstmmlnet.pooling", spec.Pooling.ToString()),
            new("lstmmlnet.outputs", spec.Outputs.ToString(CultureInfo.InvariantCulture)),
            new("lstmmlnet.head", options.Head.ToString()),
        };
        if (spec.Input is TokenInput)
        {
            entries.Add(new("lstmmlnet.subword_buckets", spec.SubwordBuckets.ToString(CultureInfo.InvariantCulture)));
            entries.Add(new("lstmmlnet.bag_of_embeddings", spec.BagOfEmbeddings ? "true" : "false"));
        }
        if (options.Metadata is not null)
        {
            foreach (var (key, value) in options.Metadata)
            {
                entries.RemoveAll(e => e.Key == key);
                entries.Add(new(key, value));
            }
        }
        return entries;
    }

    private static void CheckOptions(NetworkSpec spec, OnnxExportOptions options)
    {
        if (!Enum.IsDefined(options.Head)) throw new ArgumentException($"Unknown head activation {options.Head}.", nameof(options));
        if (spec.Input is TokenInput && (options.FrameMean is not null || options.FrameScale is not null))
            throw new ArgumentException("FrameMean and FrameScale apply to frame input only; this network reads tokens.", nameof(options));
        if (options.FrameMean is { } mean && mean.Length != spec.FrameSize)
            throw new ArgumentException($"FrameMean has {mean.Length} values; the network's frames have {spec.FrameSize} features.", nameof(options));
        if (spec.BagOfEmbeddings && options.StepOutputs > 0)
            throw new ArgumentException("A network with a bag of embeddings has a pooled output only: export it without StepOutputs.", nameof(options));
        if (options.BatchSteps < 0 || (options.BatchSteps > 0 && (spec.Input is TokenInput || options.StepOutputs <= 0 || options.StepOutputs > options.BatchSteps)))
            throw new ArgumentException($"BatchSteps {options.BatchSteps}: the batch form reads frame windows with per-step outputs (0 < StepOutputs ≤ BatchSteps).", nameof(options));
        if (spec.StepSkip && options.StepOutputs <= 0)
            throw new ArgumentException("A network with a step skip has per-step outputs only: export it with StepOutputs.", nameof(options));
        if (options.FrameScale is { } scale && scale.Length != spec.FrameSize)
            throw new ArgumentException($"FrameScale has {scale.Length} values; the network's frames have {spec.FrameSize} features.", nameof(options));
    }

    /// <summary>Token ids [1, N] → embedded steps [max(N, 1), 1, E]; an empty row becomes the single id 0.</summary>
    private static string TokenSteps(OnnxGraphBuilder g, SequenceNetwork network, string input, int maxLength)
    {
        if (network.Embedding is null) throw new InvalidOperationException("A token network has an embedding.");
        NetworkSpec spec = network.Spec;
        string ids = g.Node("Reshape", new[] { input, g.Int64s("flat", new[] { -1L }) });
        string padded = g.Node("Concat", new[] { ids, g.Int64s("oov_id", new[] { 0L }) }, null, Attribute("axis", 0L));
        string count = g.Node("Shape", new[] { ids });
        string length = g.Node("Max", new[] { count, g.Int64s("one", new[] { 1L }) });
        string kept = g.Node("Slice", new[] { padded, g.Int64s("zero", new[] { 0L }), length, g.Int64s("axis0", new[] { 0L }) });
        if (maxLength > 0) kept = g.Node("Slice", new[] { kept, g.Int64s("zero", new[] { 0L }), g.Int64s("max_length", new[] { (long)maxLength }), g.Int64s("axis0", new[] { 0L }) });
        // With subwords, each row is already the mean of the token's own vector and its n-gram vectors.
        string table = g.Floats("embedding", Values(network.TokenTable()), spec.VocabularySize, spec.EmbeddingSize);
        string embedded = g.Node("Gather", new[] { table, kept }, null, Attribute("axis", 0L));
        return g.Node("Unsqueeze", new[] { embedded, g.Int64s("batch_axis", new[] { 1L }) });
    }

    /// <summary>Frames [1, N] → steps [max(N, F)/F, 1, I], normalised and projected; an empty row becomes one zero frame.
    /// <paramref name="frames"/> is the normalised frames [steps, 1, F] before the projection (what a step skip reads);
    /// <paramref name="nonFinite"/> the bool scalar that is true when the row holds a NaN or infinite value. A row whose
    /// length N is not a multiple of F fails in the graph, naming the input and F (<see cref="OnnxInputGuards.FrameRows"/>).</summary>
    private static string FrameSteps(OnnxGraphBuilder g, SequenceNetwork network, string input, OnnxExportOptions options, out string? frames, out string? nonFinite)
    {
        int f = network.Spec.FrameSize;
        string rows = OnnxInputGuards.FrameRows(g, input, input, f);
        nonFinite = OnnxInputGuards.NonFinite(g, rows);
        input = g.Node("Reshape", new[] { rows, g.Int64s("one_row", new[] { 1L, -1L }) }); // everything below runs after the length check
        string padded = g.Node("Concat", new[] { input, g.Floats("zero_frame", new float[f], 1, f) }, null, Attribute("axis", 1L));
        string count = g.Node("Shape", new[] { input }, null, Attribute("start", 1L));
        string length = g.Node("Max", new[] { count, g.Int64s("frame_size", new[] { (long)f }) });
        string kept = g.Node("Slice", new[] { padded, g.Int64s("zero", new[] { 0L }), length, g.Int64s("axis1", new[] { 1L }) });
        if (options.MaxLength > 0) kept = g.Node("Slice", new[] { kept, g.Int64s("zero", new[] { 0L }), g.Int64s("max_values", new[] { (long)options.MaxLength * f }), g.Int64s("axis1", new[] { 1L }) });
        string x = g.Node("Reshape", new[] { kept, g.Int64s("steps_shape", new[] { -1L, 1L, f }) });
        if (options.FrameMean is { } mean) x = g.Node("Sub", new[] { x, g.Floats("frame_mean", mean, f) });
        if (options.FrameScale is { } scale) x = g.Node("Mul", new[] { x, g.Floats("frame_scale", scale, f) });
        frames = x;
        if (network.Projection is { } projection)
        {
            int p = network.Spec.ProjectionSize;
            x = g.Node("MatMul", new[] { x, g.Floats("projection_weight_t", Values(projection.weight!.t()), f, p) });
            x = g.Node("Add", new[] { x, g.Floats("projection_bias", Values(projection.bias!), p) });
        }
        return x;
    }

    /// <summary>One ONNX recurrent node per layer; returns the last layer's outputs [steps, 1, dirs·H] (or [steps, B, dirs·H]
    /// when <paramref name="batched"/>).</summary>
    private static string Encoder(OnnxGraphBuilder g, RecurrentEncoder encoder, string x, bool batched)
    {
        EncoderSpec spec = encoder.Spec;
        int h = spec.HiddenSize;
        int dirs = spec.Directions;
        // The cell's ONNX form: operator, gate reordering (−1: an absent gate, a zero block), attributes, peepholes.
        OnnxCellForm form = encoder.Cell.Onnx;
        string op = form.Operator;
        int gates = form.Gates;
        int[] order = form.Order;
        int[]? peepholeOrder = form.PeepholeOrder;
        string stackShape = batched ? g.Int64s("batch_layer_output_shape", new[] { 0L, 0L, -1L }) : g.Int64s("layer_output_shape", new[] { 0L, 1L, -1L });
        for (int layer = 0; layer < spec.Layers; layer++)
        {
            int inputSize = layer == 0 ? spec.InputSize : spec.OutputSize;
            var w = new List<float>();
            var r = new List<float>();
            var b = new List<float>();
            var p = new List<float>();
            for (int direction = 0; direction < dirs; direction++)
            {
                CellWeights weights = encoder.Weights(layer, direction);
                w.AddRange(Reorder(Values(weights.InputWeight), h, inputSize, order));
                r.AddRange(Reorder(Values(weights.RecurrentWeight), h, h, order));
                float[] inputBias = weights.InputBias is null ? new float[gates * h] : Reorder(Values(weights.InputBias), h, 1, order);
                if (form.AbsentGateBias != 0f)
                {
                    for (int k = 0; k < gates; k++)
                    {
                        if (order[k] < 0) Array.Fill(inputBias, form.AbsentGateBias, k * h, h);
                    }
                }
                b.AddRange(inputBias);
                b.AddRange(weights.RecurrentBias is null ? new float[gates * h] : Reorder(Values(weights.RecurrentBias), h, 1, order));
                if (peepholeOrder is not null)
                {
                    Tensor peepholes = weights.Peephole ?? throw new InvalidOperationException("A peephole LSTM has peephole weights.");
                    p.AddRange(Reorder(Values(peepholes), h, 1, peepholeOrder)); // p_i, p_f, p_o → i, o, f
                }
            }
            var attributes = new List<AttributeProto>
            {
                Attribute("hidden_size", (long)h),
                Attribute("direction", spec.Bidirectional ? "bidirectional" : "forward"),
            };
            foreach (var (name, value) in form.Attributes) attributes.Add(Attribute(name, value));
            if (form.Activation is { } activation) attributes.Add(Attribute("activations", Enumerable.Repeat(activation, dirs).ToArray()));
            var inputs = new List<string>
            {
                x,
                g.Floats($"l{layer}_W", w.ToArray(), dirs, gates * h, inputSize),
                g.Floats($"l{layer}_R", r.ToArray(), dirs, gates * h, h),
                g.Floats($"l{layer}_B", b.ToArray(), dirs, 2 * gates * h),
            };
            if (peepholeOrder is not null)
            {
                // sequence_lens, initial_h, initial_c left out (empty names), then P.
                inputs.AddRange(new[] { string.Empty, string.Empty, string.Empty, g.Floats($"l{layer}_P", p.ToArray(), dirs, 3 * h) });
            }
            string y = g.Node(op, inputs.ToArray(), null, attributes.ToArray());
            // Y [steps, dirs, 1, H] → [steps, 1, dirs·H]: with a batch of one the memory order already matches; a batch
            // first moves the directions next to H ([steps, B, dirs, H]).
            x = batched
                ? g.Node("Reshape", new[] { g.Node("Transpose", new[] { y }, null, Attribute("perm", new[] { 0L, 2L, 1L, 3L })), stackShape })
                : g.Node("Reshape", new[] { y, stackShape });
        }
        return x;
    }

    /// <summary>Pools outputs [steps, 1, D] into [1, D].</summary>
    private static string Pool(OnnxGraphBuilder g, SequencePooling pooling, string o, NetworkSpec spec)
    {
        int h = spec.HiddenSize;
        switch (pooling.Kind)
        {
            case PoolingKind.Last:
            {
                string last = g.Node("Gather", new[] { o, g.Int64s("last_step", new[] { -1L }, scalar: true) }, null, Attribute("axis", 0L));
                if (!spec.Bidirectional) return last;
                string first = g.Node("Gather", new[] { o, g.Int64s("first_step", new[] { 0L }, scalar: true) }, null, Attribute("axis", 0L));
                string axis1 = g.Int64s("axis1", new[] { 1L });
                string forward = g.Node("Slice", new[] { last, g.Int64s("start", new[] { 0L }), g.Int64s("end", new[] { (long)h }), axis1 });
                string backward = g.Node("Slice", new[] { first, g.Int64s("start", new[] { (long)h }), g.Int64s("end", new[] { 2L * h }), axis1 });
                return g.Node("Concat", new[] { forward, backward }, null, Attribute("axis", 1L));
            }
            case PoolingKind.Mean:
                return g.Node("ReduceMean", new[] { o }, null, Attribute("axes", new[] { 0L }), Attribute("keepdims", 0L));
            case PoolingKind.Max:
                return g.Node("ReduceMax", new[] { o }, null, Attribute("axes", new[] { 0L }), Attribute("keepdims", 0L));
            case PoolingKind.Attention:
            {
                Linear projection = pooling.AttentionProjection ?? throw new InvalidOperationException("Attention pooling has a projection.");
                Linear score = pooling.AttentionScore ?? throw new InvalidOperationException("Attention pooling has a score vector.");
                int d = spec.Encoder.OutputSize;
                int a = (int)projection.weight!.shape[0];
                string hidden = g.Node("MatMul", new[] { o, g.Floats("attention_weight_t", Values(projection.weight.t()), d, a) });
                hidden = g.Node("Tanh", new[] { g.Node("Add", new[] { hidden, g.Floats("attention_bias", Values(projection.bias!), a) }) });
                string scores = g.Node("MatMul", new[] { hidden, g.Floats("attention_v", Values(score.weight!.t()), a, 1) }); // [steps, 1, 1]
                string alpha = g.Node("Softmax", new[] { scores }, null, Attribute("axis", 0L));
                string weighted = g.Node("Mul", new[] { alpha, o });
                return g.Node("ReduceSum", new[] { weighted, g.Int64s("axis0", new[] { 0L }) }, null, Attribute("keepdims", 0L));
            }
            default:
                throw new InvalidOperationException($"Unknown pooling {pooling.Kind}.");
        }
    }

    /// <summary>Rearranges the gate blocks (each <paramref name="h"/> rows of <paramref name="columns"/>) of a
    /// [G·H, columns] matrix: block k of the result is block <paramref name="order"/>[k] of the source, or zeros where
    /// <paramref name="order"/>[k] is −1 (a gate the source cell does not have). The result has order.Length blocks;
    /// the source has as many blocks as <paramref name="order"/> has non-negative entries.</summary>
    internal static float[] Reorder(float[] source, int h, int columns, int[] order)
    {
        int block = h * columns;
        int sourceBlocks = order.Count(k => k >= 0);
        if (source.Length != sourceBlocks * block)
            throw new ArgumentException($"Expected {sourceBlocks * block} values for {sourceBlocks} gate blocks, got {source.Length}.", nameof(source));
        var result = new float[order.Length * block];
        for (int k = 0; k < order.Length; k++)
        {
            if (order[k] >= 0) Array.Copy(source, order[k] * block, result, k * block, block);
        }
        return result;
    }

    private static float[] Values(Tensor t) => t.detach().cpu().to_type(ScalarType.Float32).contiguous().data<float>().ToArray();
}
