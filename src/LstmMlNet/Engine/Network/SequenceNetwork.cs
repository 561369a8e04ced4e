using LstmMlNet.Data;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LstmMlNet.Engine;

/// <summary>
/// Input → <see cref="RecurrentEncoder"/> → <see cref="SequencePooling"/> → dropout → linear head.
/// Token input (<see cref="TokenInput"/>): int64 ids [B, T] through an embedding [V, E]. Frame input (<see cref="FrameInput"/>):
/// float [B, T, F], through a linear projection F → P when <see cref="FrameInput.ProjectionSize"/> &gt; 0. With <see cref="FrameInput.StepSkip"/>,
/// <see cref="ForwardSteps"/> adds a bias-free linear map F → Outputs of each step's frame to that step's head output.
/// With <see cref="TokenInput.SubwordBuckets"/> = B, a second table [B + 1, E] holds the n-gram vectors (row B is the
/// zero padding row) and a token's vector is (e_token + Σ_g e_g) / (1 + |G|) over its n-gram buckets G; the
/// out-of-vocabulary id 0 has no n-grams. With <see cref="NetworkSpec.BagOfEmbeddings"/>, the head reads
/// [pooled ; mean of the step inputs over each row's valid steps].
/// </summary>
internal sealed class SequenceNetwork : nn.Module
{
    private const string SubwordIndexBuffer = "subword_index";
    private const string SubwordCountBuffer = "subword_count";

    private readonly Embedding? embedding;
    private readonly Embedding? subwords;
    private readonly SubwordBag? bag;
    private readonly Linear? projection;
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
        switch (spec.Input)
        {
            case TokenInput tokens:
                embedding = nn.Embedding(tokens.VocabularySize, tokens.EmbeddingSize);
                if (tokens.SubwordBuckets > 0)
                {
                    if (subwordTable is null) throw new ArgumentNullException(nameof(subwordTable), "A network with subword buckets needs the n-gram table of its vocabulary.");
                    if (subwordTable.Rows != tokens.VocabularySize)
                        throw new ArgumentException($"The n-gram table has {subwordTable.Rows} rows; the vocabulary has {tokens.VocabularySize}.", nameof(subwordTable));
                    if (subwordTable.Indices.Any(i => i < 0 || i > tokens.SubwordBuckets))
                        throw new ArgumentException($"The n-gram table holds ids outside 0..{tokens.SubwordBuckets}.", nameof(subwordTable));
                    subwords = nn.Embedding(tokens.SubwordBuckets + 1, tokens.EmbeddingSize, padding_idx: tokens.SubwordBuckets);
                    register_buffer(SubwordIndexBuffer, tensor(subwordTable.Indices, ScalarType.Int64).reshape(subwordTable.Rows, subwordTable.Width));
                    register_buffer(SubwordCountBuffer, tensor(subwordTable.Counts));
                    bag = new SubwordBag(subwordTable);
                }
                break;
            case FrameInput { ProjectionSize: > 0 } frames:
                projection = nn.Linear(frames.FrameSize, frames.ProjectionSize);
                break;
        }
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

    public RecurrentEncoder Encoder => encoder;

    public SequencePooling Pooling => pooling;

    public Linear Head => head;

    public Embedding? Embedding => embedding;

    public Linear? Projection => projection;

    /// <summary>The n-gram table [B + 1, E] when <see cref="NetworkSpec.SubwordBuckets"/> = B &gt; 0; else null.</summary>
    public Embedding? Subwords => subwords;

    /// <summary>The CPU token-vector node when the network has subwords (see <see cref="Engine.SubwordBag"/>); else null.</summary>
    internal SubwordBag? SubwordBag => bag;

    /// <summary>The step skip F → Outputs (no bias) when <see cref="NetworkSpec.StepSkip"/>; else null.</summary>
    public Linear? Skip => skip;

    /// <summary>Per-step encoder inputs [B, T, I] from raw inputs (ids [B, T] or frames [B, T, F]).</summary>
    public Tensor Embed(Tensor inputs)
    {
        if (embedding is not null)
        {
            if (inputs.dim() != 2 || inputs.dtype != ScalarType.Int64)
                throw new ArgumentException($"Token input must be int64 ids of shape [batch, steps]; got {inputs.dtype} [{string.Join(", ", inputs.shape)}].", nameof(inputs));
            if (subwords is null) return embedding.call(inputs);
            // On the CPU: one node over the tables' memory that reads only each token's own buckets (see SubwordBag).
            if (SubwordBag.Supports(embedding.weight!, inputs)) return bag!.Apply(embedding.weight!, subwords.weight!, inputs);
            // Each distinct id's vector once, then spread back over the batch.
            var (distinct, inverse, _) = inputs.unique(sorted: false, return_inverse: true);
            return TokenVectors(distinct).index_select(0, inverse!.reshape(-1)).reshape(inputs.shape[0], inputs.shape[1], Spec.EmbeddingSize);
        }
        if (inputs.dim() != 3 || inputs.shape[2] != Spec.FrameSize)
            throw new ArgumentException($"Frame input must have shape [batch, steps, {Spec.FrameSize}]; got [{string.Join(", ", inputs.shape)}].", nameof(inputs));
        return projection is null ? inputs : projection.call(inputs);
    }

    /// <summary>Vectors [N, E] of token ids [N]: the embedding row, averaged with the row's n-gram vectors when the
    /// network has subwords.</summary>
    public Tensor TokenVectors(Tensor ids)
    {
        Embedding table = embedding ?? throw new InvalidOperationException("Frame networks have no token vectors.");
        if (subwords is null) return table.call(ids);
        Tensor buckets = get_buffer(SubwordIndexBuffer)!.index_select(0, ids); // [N, G]
        Tensor sum = table.call(ids) + subwords.call(buckets).sum(1);
        return sum / get_buffer(SubwordCountBuffer)!.index_select(0, ids).unsqueeze(1);
    }

    /// <summary>The whole token table [V, E] as inference sees it (<see cref="TokenVectors"/> of every id), built in
    /// blocks of rows to bound memory; no gradient.</summary>
    public Tensor TokenTable()
    {
        Embedding table = embedding ?? throw new InvalidOperationException("Frame networks have no token table.");
        using var noGrad = no_grad();
        if (subwords is null) return table.weight!.detach().clone();
        const int block = 1024;
        Device device = table.weight!.device;
        var parts = new List<Tensor>();
        for (long start = 0; start < Spec.VocabularySize; start += block)
        {
            parts.Add(TokenVectors(arange(start, Math.Min(start + block, Spec.VocabularySize), ScalarType.Int64, device)));
        }
        return cat(parts, 0);
    }

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
        if (skip is not null) output = output + skip.call(inputs);
        return (output, (encoded.HiddenState, encoded.CellState));
    }

    /// <summary>Number of trainable parameters.</summary>
    public long ParameterCount() => parameters().Sum(p => p.numel());
}
