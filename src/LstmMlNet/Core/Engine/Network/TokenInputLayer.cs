using LstmMlNet.Data;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LstmMlNet.Engine;

/// <summary>
/// Token ids int64 [B, T] through an embedding [V, E] (parameter <c>embedding.weight</c>). With
/// <see cref="TokenInput.SubwordBuckets"/> = B, a second table [B + 1, E] (<c>subwords.weight</c>; row B is the zero
/// padding row) holds the n-gram vectors, and a token's vector is (e_token + Σ_g e_g) / (1 + |G|) over its n-gram buckets
/// G (buffers <c>subword_index</c> [V, width] and <c>subword_count</c> [V]); the out-of-vocabulary id 0 has no n-grams.
/// </summary>
internal sealed class TokenInputLayer : SequenceInputLayer
{
    private const string SubwordIndexBuffer = "subword_index";
    private const string SubwordCountBuffer = "subword_count";

    private readonly Embedding embedding;
    private readonly Embedding? subwords;
    private readonly SubwordBag? bag;

    /// <param name="spec">Vocabulary, width and subword buckets.</param>
    /// <param name="subwordTable">The n-gram buckets of each vocabulary row; required when
    /// <see cref="TokenInput.SubwordBuckets"/> &gt; 0 (its padding id is that bucket count), ignored otherwise.</param>
    public TokenInputLayer(TokenInput spec, SubwordTable? subwordTable) : base(nameof(TokenInputLayer))
    {
        Spec = spec;
        embedding = nn.Embedding(spec.VocabularySize, spec.EmbeddingSize);
        if (spec.ZeroUnknown)
        {
            using var noGrad = no_grad();
            embedding.weight![0].zero_(); // never trained (no training token maps to id 0): unseen words read zeros
        }
        if (spec.SubwordBuckets > 0)
        {
            if (subwordTable is null) throw new ArgumentNullException(nameof(subwordTable), "A network with subword buckets needs the n-gram table of its vocabulary.");
            if (subwordTable.Rows != spec.VocabularySize)
                throw new ArgumentException($"The n-gram table has {subwordTable.Rows} rows; the vocabulary has {spec.VocabularySize}.", nameof(subwordTable));
            if (subwordTable.Indices.Any(i => i < 0 || i > spec.SubwordBuckets))
                throw new ArgumentException($"The n-gram table holds ids outside 0..{spec.SubwordBuckets}.", nameof(subwordTable));
            subwords = nn.Embedding(spec.SubwordBuckets + 1, spec.EmbeddingSize, padding_idx: spec.SubwordBuckets);
            register_buffer(SubwordIndexBuffer, tensor(subwordTable.Indices, ScalarType.Int64).reshape(subwordTable.Rows, subwordTable.Width));
            register_buffer(SubwordCountBuffer, tensor(subwordTable.Counts));
            bag = new SubwordBag(subwordTable);
        }
        RegisterComponents();
    }

    public TokenInput Spec { get; }

    /// <summary>The token table [V, E].</summary>
    public Embedding Embedding => embedding;

    /// <summary>The n-gram table [B + 1, E] when <see cref="TokenInput.SubwordBuckets"/> = B &gt; 0; else null.</summary>
    public Embedding? Subwords => subwords;

    /// <summary>The CPU token-vector node when the layer has subwords (see <see cref="Engine.SubwordBag"/>); else null.</summary>
    public SubwordBag? SubwordBag => bag;

    public override Tensor Embed(Tensor inputs)
    {
        if (inputs.dim() != 2 || inputs.dtype != ScalarType.Int64)
            throw new ArgumentException($"Token input must be int64 ids of shape [batch, steps]; got {inputs.dtype} [{string.Join(", ", inputs.shape)}].", nameof(inputs));
        if (training && Spec.TokenDropout > 0)
        {
            // Word dropout: keep each id with probability 1 − p, else the out-of-vocabulary id 0 (padding past a row's
            // length is ignored anyway). The mask is a float Bernoulli draw cast to int64: no Scalar crosses to libtorch.
            using Tensor keep = empty_like(inputs, ScalarType.Float32).bernoulli_(1 - Spec.TokenDropout).to_type(ScalarType.Int64);
            inputs = inputs.mul(keep);
        }
        if (subwords is null) return embedding.call(inputs);
        // On the CPU: one node over the tables' memory that reads only each token's own buckets (see SubwordBag).
        if (SubwordBag.Supports(embedding.weight!, inputs)) return bag!.Apply(embedding.weight!, subwords.weight!, inputs);
        // Each distinct id's vector once, then spread back over the batch.
        var (distinct, inverse, _) = inputs.unique(sorted: false, return_inverse: true);
        return TokenVectors(distinct).index_select(0, inverse!.reshape(-1)).reshape(inputs.shape[0], inputs.shape[1], Spec.EmbeddingSize);
    }

    /// <summary>Vectors [N, E] of token ids [N]: the embedding row, averaged with the row's n-gram vectors when the
    /// layer has subwords.</summary>
    public Tensor TokenVectors(Tensor ids)
    {
        if (subwords is null) return embedding.call(ids);
        Tensor buckets = get_buffer(SubwordIndexBuffer)!.index_select(0, ids); // [N, G]
        Tensor sum = embedding.call(ids).Plus(subwords.call(buckets).sum(1));
        return sum / get_buffer(SubwordCountBuffer)!.index_select(0, ids).unsqueeze(1);
    }

    /// <summary>The whole token table [V, E] as inference sees it (<see cref="TokenVectors"/> of every id), built in
    /// blocks of rows to bound memory; no gradient.</summary>
    public Tensor TokenTable()
    {
        using var noGrad = no_grad();
        if (subwords is null) return embedding.weight!.detach().clone();
        const int block = 1024;
        Device device = embedding.weight!.device;
        var parts = new List<Tensor>();
        for (long start = 0; start < Spec.VocabularySize; start += block)
        {
            parts.Add(TokenVectors(TorchScalars.Range(start, Math.Min(start + block, Spec.VocabularySize), ScalarType.Int64, device)));
        }
        return cat(parts, 0);
    }
}
