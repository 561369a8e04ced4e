using LstmMlNet.Data;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LstmMlNet.Engine;

/// <summary>
/// Input layer → <see cref="RecurrentEncoder"/> → <see cref="SequencePooling"/> → dropout → linear head.
/// The input layer is the one <see cref="NetworkSpec.Input"/> names: a <see cref="TokenInputLayer"/> (int64 ids [B, T]
/// through an embedding, optionally with subword n-grams) or a <see cref="FrameInputLayer"/> (float [B, T, F], optionally
/// projected). With <see cref="FrameInput.StepSkip"/>, <see cref="ForwardSteps"/> adds a bias-free linear map
/// F → Outputs of each step's frame to that step's head output. With <see cref="NetworkSpec.BagOfEmbeddings"/>, the head
/// reads [pooled ; mean of the step inputs over each row's valid steps].
/// </summary>
internal sealed class SequenceNetwork : nn.Module
{
    private readonly SequenceInputLayer input;
    private readonly RecurrentEncoder encoder;
    private readonly SequencePooling pooling;
    private readonly Linear head;
    private readonly Linear? skip;

    /// <param name="spec">The architecture.</param>
    /// <param name="subwordTable">The n-gram buckets of each vocabulary row; required when
    /// <see cref="NetworkSpec.SubwordBuckets"/> &gt; 0 (its padding id is that bucket count), ignored otherwise.</param>
    public SequenceNetwork(NetworkSpec spec, SubwordTable? subwordTable = null) : base(nameof(SequenceNetwork))
    {
        spec.Validate();
        Spec = spec;
        input = SequenceInputLayer.For(spec.Input, subwordTable);
        encoder = new RecurrentEncoder(spec.Encoder);
        pooling = new SequencePooling(spec.Pooling, spec.HiddenSize, spec.Bidirectional, spec.AttentionSize);
        head = nn.Linear(spec.HeadInputSize, spec.Outputs);
        if (spec.Input is FrameInput { StepSkip: true } skipped)
        {
            skip = nn.Linear(skipped.FrameSize, spec.Outputs, hasBias: false);
            using var noGrad = no_grad();
            skip.weight!.zero_(); // an untrained skip adds nothing: the network starts as it would without it
        }
        RegisterComponents();
    }

    public NetworkSpec Spec { get; }

    /// <summary>The input layer: a <see cref="TokenInputLayer"/> or a <see cref="FrameInputLayer"/>.</summary>
    public SequenceInputLayer Input => input;

    public RecurrentEncoder Encoder => encoder;

    public SequencePooling Pooling => pooling;

    public Linear Head => head;

    /// <summary>The token table [V, E] of a token network; null for frames.</summary>
    public Embedding? Embedding => (input as TokenInputLayer)?.Embedding;

    /// <summary>The frame projection when the frame network has one; else null.</summary>
    public Linear? Projection => (input as FrameInputLayer)?.Projection;

    /// <summary>The n-gram table [B + 1, E] when <see cref="NetworkSpec.SubwordBuckets"/> = B &gt; 0; else null.</summary>
    public Embedding? Subwords => (input as TokenInputLayer)?.Subwords;

    /// <summary>The CPU token-vector node when the network has subwords (see <see cref="Engine.SubwordBag"/>); else null.</summary>
    internal SubwordBag? SubwordBag => (input as TokenInputLayer)?.SubwordBag;

    /// <summary>The step skip F → Outputs (no bias) when <see cref="FrameInput.StepSkip"/>; else null.</summary>
    public Linear? Skip => skip;

    /// <summary>Per-step encoder inputs [B, T, I] from raw inputs (ids [B, T] or frames [B, T, F]).</summary>
    public Tensor Embed(Tensor inputs) => input.Embed(inputs);

    /// <summary>Vectors [N, E] of token ids [N] (see <see cref="TokenInputLayer.TokenVectors"/>).</summary>
    public Tensor TokenVectors(Tensor ids) => Tokens("token vectors").TokenVectors(ids);

    /// <summary>The whole token table [V, E] as inference sees it (see <see cref="TokenInputLayer.TokenTable"/>).</summary>
    public Tensor TokenTable() => Tokens("token table").TokenTable();

    private TokenInputLayer Tokens(string what) =>
        input as TokenInputLayer ?? throw new InvalidOperationException($"Frame networks have no {what}.");

    /// <summary>The head's input from the pooled encoder output [B, D]: with <see cref="NetworkSpec.BagOfEmbeddings"/>,
    /// [pooled ; mean of <paramref name="stepInputs"/> [B, T, E] over each row's first lengths[b] steps]; else pooled.</summary>
    public Tensor HeadInput(Tensor pooled, Tensor stepInputs, Tensor lengths)
    {
        return Spec.BagOfEmbeddings ? cat(new[] { pooled, SequencePooling.MeanOverValidSteps(stepInputs, lengths) }, 1) : pooled;
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
        Tensor stepInputs = EncoderInputs(inputs);
        EncoderOutput encoded = encoder.Forward(stepInputs, lengths, null, path, finalCellState: false, use: pooling.EncoderOutputUse);
        var (pooled, weights) = pooling.Forward(encoded.Output, lengths);
        pooled = HeadInput(pooled, stepInputs, lengths);
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
        if (Spec.BagOfEmbeddings) throw new InvalidOperationException("A network with a bag of embeddings has a pooled output only: use Forward.");
        EncoderOutput encoded = encoder.Forward(EncoderInputs(inputs), lengths, state, path, finalCellState: finalCellState);
        Tensor steps = encoded.Output;
        if (Spec.HeadDropout > 0) steps = nn.functional.dropout(steps, Spec.HeadDropout, training);
        Tensor output = head.call(steps);
        if (skip is not null) output = output.Plus(skip.call(inputs));
        return (output, (encoded.HiddenState, encoded.CellState));
    }

    /// <summary>Number of trainable parameters.</summary>
    public long ParameterCount() => parameters().Sum(p => p.numel());
}
