using Microsoft.ML.OnnxRuntime;

namespace LstmMlNet.Tests.Onnx;

/// <summary>Runs exported models in ONNX Runtime on one row ([1, N] input).</summary>
internal static class OnnxRuntimeRunner
{
    public static float[] Run(InferenceSession session, string inputName, string outputName, long[] ids) =>
        Run(session, inputName, outputName, OrtValue.CreateTensorValueFromMemory(ids, new long[] { 1, ids.Length }));

    public static float[] Run(InferenceSession session, string inputName, string outputName, float[] frames) =>
        Run(session, inputName, outputName, OrtValue.CreateTensorValueFromMemory(frames, new long[] { 1, frames.Length }));

    private static float[] Run(InferenceSession session, string inputName, string outputName, OrtValue input)
    {
        using (input)
        using (var options = new RunOptions())
        using (var results = session.Run(options, new Dictionary<string, OrtValue> { [inputName] = input }, new[] { outputName }))
        {
            OrtValue output = results[0];
            long[] shape = output.GetTensorTypeAndShape().Shape;
            Assert.Equal(2, shape.Length);
            Assert.Equal(1, shape[0]);
            return output.GetTensorDataAsSpan<float>().ToArray();
        }
    }
}
