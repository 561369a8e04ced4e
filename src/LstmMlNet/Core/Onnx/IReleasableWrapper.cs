using Microsoft.ML;

namespace LstmMlNet.Onnx;

/// <summary>A model that holds another whose native resources (ONNX Runtime sessions, model files) <see cref="ModelRelease"/>
/// must release: the engine-safe wrapper of a scoring chain, the fitted forecaster's scoring model. It lets the core
/// release a feature's model without knowing its type.</summary>
internal interface IReleasableWrapper
{
    /// <summary>The model whose resources this one holds.</summary>
    ITransformer Wrapped { get; }
}
