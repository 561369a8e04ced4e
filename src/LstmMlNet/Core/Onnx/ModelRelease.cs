using Microsoft.ML;
using Microsoft.ML.Data;

namespace LstmMlNet.Onnx;

/// <summary>
/// Releases what a fitted or loaded model holds outside the garbage collector: each OnnxTransformer's ONNX Runtime
/// session and its model file — the temporary file ML.NET writes for a model it loads (<c>ml.Model.Load</c>), otherwise
/// deleted only by a finalizer, which does not run at process exit, and the file a fitted model of this library reads
/// (<see cref="OnnxModelFile"/>). A saved MiniLM classifier's file is about 90 MB.
/// </summary>
/// <remarks>The trainers' fitted models are deliberately not <see cref="IDisposable"/> (<see cref="EngineSafeTransformer"/>):
/// this walks through them, through a feature's wrappers (<see cref="IReleasableWrapper"/>: the fitted forecaster) and through ML.NET's chains (which would
/// skip a member that is not IDisposable) to every disposable part. The model is unusable afterwards.</remarks>
internal static class ModelRelease
{
    /// <summary>Disposes every disposable part of <paramref name="model"/>; null and stateless parts are ignored.</summary>
    public static void Release(ITransformer? model)
    {
        switch (model)
        {
            case null:
                return;
            case IReleasableWrapper wrapper: // EngineSafeTransformer, LstmForecastingTransformer
                Release(wrapper.Wrapped);
                return;
            case IEnumerable<ITransformer> chain: // TransformerChain: each member, ours included
                foreach (ITransformer part in chain) Release(part);
                return;
            case IDisposable disposable:
                disposable.Dispose();
                OnnxModelFile.Released(disposable);
                return;
        }
    }
}
