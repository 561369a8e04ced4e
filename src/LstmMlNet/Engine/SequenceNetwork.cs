using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LstmMlNet.Engine;

/// <summary>
/// Input → <see cref="RecurrentEncoder"/> → <see cref="SequencePooling"/> → dropout → linear head.
/// Token input: int64 ids [B, T] through an embedding [V, E]. Frame input: float [B, T, F], through a
/// linear projection F → P when <see cref="NetworkSpec.ProjectionSize"/> &gt; 0. With <see cref="NetworkSpec.StepSkip"/>,
/// <see cref="ForwardSteps"/> adds a bias-free linear map F → Outputs of each step's frame to that step's head output.
/// </summary>
internal sealed class SequenceNetwork : nn.Module
{
    private readonly Embedding? embedding;
    private readonly Linear? projection;
    private readonly RecurrentEncoder encoder;
    private readonly SequencePooling pooling;
    private readonly Linear head;
    private readonly Linear? skip;

    public SequenceNetwork(NetworkSpec spec) : base(nameof(SequenceNetwork))
    {
        spec.Validate();
        Spec = spec;
        if (spec.Input == SequenceInputKind.Tokens)
        {
            embedding = nn.Embedding(spec.VocabularySize, spec.EmbeddingSize);
        }
        else if (spec.ProjectionSize > 0)
        {
            projection = nn.Linear(spec.FrameSize, spec.ProjectionSize);
        }
        encoder = new RecurrentEncoder(spec.Encoder);
        pooling = new SequencePooling(spec.Pooling, spec.HiddenSize, spec.Bidirectional, spec.AttentionSize);
        head = nn.Linear(spec.Encoder.OutputSize, spec.Outputs);
        if (spec.StepSkip)
        {
            skip = nn.Linear(spec.FrameSize, spec.Outputs, hasBias: false);
            using var noGrad = no_grad();
            skip.weight!.zero_(); // an untrained skip adds nothing: the network starts as it would without it
        }
        RegisterComponents();
    }

    public NetworkSpec Spec { get; }

    public RecurrentEncoder Encoder => encoder;

    public SequencePooling Pooling => pooling;

    public Linear Head => head;

    public Embedding? Embedding => embedding;

    public Linear? Projection => projection;

    /// <summary>The step skip F → Outputs (no bias) when <see cref="NetworkSpec.StepSkip"/>; else null.</summary>
    public Linear? Skip => skip;

    /// <summary>Per-step encoder inputs [B, T, I] from raw inputs (ids [B, T] or frames [B, T, F]).</summary>
    public Tensor Embed(Tensor inputs)
    {
        if (embedding is not null)
        {
            if (inputs.dim() != 2 || inputs.dtype != ScalarType.Int64)
                throw new ArgumentException($"Token input must be int64 ids of shape [batch, steps]; got {inputs.dtype} [{string.Join(", ", inputs.shape)}].", nameof(inputs));
            return embedding.call(inputs);
        }
        if (inputs.dim() != 3 || inputs.shape[2] != Spec.FrameSize)
            throw new ArgumentException($"Frame input must have shape [batch, steps, {Spec.FrameSize}]; got [{string.Join(", ", inputs.shape)}].", nameof(inputs));
        return projection is null ? inputs : projection.call(inputs);
    }

    /// <summary><see cref="Embed"/> with <see cref="NetworkSpec.InputDropout"/> applied while training.</summary>
    private Tensor EncoderInputs(Tensor inputs)
    {
        Tensor embedded = Embed(inputs);
        return Spec.InputDropout > 0 ? nn.functional.dropout(embedded, Spec.InputDropout, training) : embedded;
    }

    /// <summary>Logits (or regression outputs) [B, Outputs] for a padded batch with CPU int64 lengths [B].</summary>
    public Tensor Forward(Tensor inputs, Tensor lengths, RecurrentPath path = RecurrentPath.Fused) =>
        ForwardWithAttention(inputs, lengths, path).Output;

    /// <summary>As <see cref="Forward"/>, also returning attention weights [B, T] when pooling is attention.</summary>
    public (Tensor Output, Tensor? AttentionWeights) ForwardWithAttention(Tensor inputs, Tensor lengths, RecurrentPath path = RecurrentPath.Fused)
    {
        if (skip is not null) throw new InvalidOperationException("A network with a step skip has per-step outputs only: use ForwardSteps.");
        EncoderOutput encoded = encoder.Forward(EncoderInputs(inputs), lengths, null, path, finalCellState: false, use: pooling.EncoderOutputUse);
        var (pooled, weights) = pooling.Forward(encoded.Output, lengths);
        if (Spec.HeadDropout > 0) pooled = nn.functional.dropout(pooled, Spec.HeadDropout, training);
        return (head.call(pooled), weights);
    }

    /// <summary>Per-step head outputs [B, T, Outputs] and the final state, for sequence-to-sequence training
    /// (e.g. truncated BPTT, which carries <paramref name="state"/> from one chunk to the next). With
    /// <paramref name="finalCellState"/> false an LSTM's returned C may be null (see <see cref="RecurrentEncoder.Forward"/>).
    /// With a step skip, each step's output also gets skip(frame) (padding steps included).</summary>
    public (Tensor Output, (Tensor H, Tensor? C) State) ForwardSteps(Tensor inputs, Tensor lengths, (Tensor H, Tensor? C)? state,
        RecurrentPath path = RecurrentPath.Fused, bool finalCellState = true)
    {
        EncoderOutput encoded = encoder.Forward(EncoderInputs(inputs), lengths, state, path, finalCellState: finalCellState);
        Tensor steps = encoded.Output;
        if (Spec.HeadDropout > 0) steps = nn.functional.dropout(steps, Spec.HeadDropout, training);
        Tensor output = head.call(steps);
        if (skip is not null) output = output + skip.call(inputs);
        return (output, (encoded.HiddenState, encoded.CellState));
    }

    /// <summary>Number of trainable parameters.</summary>
    public long ParameterCount() => parameters().Sum(p => p.numel());
}
