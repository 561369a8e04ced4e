using LstmMlNet.Onnx;
using Microsoft.ML;

namespace LstmMlNet.Tests.Infrastructure;

/// <summary>Releases a model at the end of a <c>using</c> (<see cref="ModelRelease"/>: its ONNX sessions and the temporary
/// file ML.NET wrote for a loaded model), so a test run leaves no model files behind:
/// <c>using var release = Released.After(loaded);</c></summary>
internal static class Released
{
    public static IDisposable After(ITransformer model) => new Scope(model);

    /// <summary>Deletes the ONNX files that appeared in the test temp folder since <paramref name="before"/>: what ML.NET
    /// leaves when a load fails after writing its copy of the model (it deletes that copy only when the load succeeds and
    /// the model is disposed).</summary>
    public static void FilesOfFailedLoads(string[] before)
    {
        foreach (string file in OnnxTempFiles.Left().Except(before)) File.Delete(file);
    }

    private sealed class Scope(ITransformer model) : IDisposable
    {
        public void Dispose() => ModelRelease.Release(model);
    }
}
