using Microsoft.ML;
using Microsoft.ML.Data;

namespace LstmMlNet.Onnx;

/// <summary>
/// What the trainers' <c>Fit</c> and <c>LstmForecastingTransformer.ScoringModel</c> return: ML.NET's own scoring chain
/// (with its OnnxTransformer) behind a transformer that is not <see cref="IDisposable"/>.
/// <para>Why: since ML.NET 2.0 a <c>PredictionEngine</c> owns its transformer by default
/// (<c>PredictionEngineOptions.OwnsTransformer</c> = true, dotnet/machinelearning#5945) and its <c>Dispose</c> calls the
/// transformer's <c>Dispose</c>; a <c>TransformerChain</c> passes that to its OnnxTransformer, which disposes its
/// <c>OnnxModel</c> and ONNX Runtime <c>InferenceSession</c>. After the usual
/// <c>using var engine = ml.Model.CreatePredictionEngine(model)</c> the model was broken (a later <c>Transform</c> or engine
/// threw NullReferenceException), and disposing one thread's engine while others predicted crashed the process. An
/// engine disposes nothing it cannot cast to IDisposable, so over this wrapper it leaves the model working; the ONNX
/// session is released by its finalizer once the model is unreachable.</para>
/// <para>Saving writes the inner chain (<see cref="ICanSaveModel"/> is delegated), so <c>ml.Model.Load</c> needs no
/// custom loader and returns ML.NET's plain chain, which ML.NET's default engine can dispose again: see the README for
/// the safe pattern with loaded models.</para>
/// </summary>
internal sealed class EngineSafeTransformer : ITransformer, IReleasableWrapper
{
    public EngineSafeTransformer(ITransformer inner) => Inner = inner ?? throw new ArgumentNullException(nameof(inner));

    /// <summary>The wrapped ML.NET chain.</summary>
    public ITransformer Inner { get; }

    ITransformer IReleasableWrapper.Wrapped => Inner;

    /// <inheritdoc />
    public bool IsRowToRowMapper => Inner.IsRowToRowMapper;

    /// <inheritdoc />
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => Inner.GetOutputSchema(inputSchema);

    /// <inheritdoc />
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => Inner.GetRowToRowMapper(inputSchema);

    /// <inheritdoc />
    public IDataView Transform(IDataView input) => Inner.Transform(input);

    /// <summary>Writes the inner chain, so the saved model is ML.NET's own.</summary>
    void ICanSaveModel.Save(ModelSaveContext ctx) => Inner.Save(ctx);
}
