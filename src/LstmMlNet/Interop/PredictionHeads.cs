using System.Reflection;
using LstmMlNet.Catalog;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers;

namespace LstmMlNet.Interop;

/// <summary>
/// The last step of every fitted recurrent model: ML.NET's own prediction transformers over the network's raw
/// outputs, with fixed identity parameters, so the output columns are exactly those of ML.NET's trainers (scalar
/// <c>Score</c>, <c>Probability</c> and Boolean <c>PredictedLabel</c> for binary; <c>Score</c> vector and key
/// <c>PredictedLabel</c> for multiclass; scalar <c>Score</c> for regression), with the annotations the evaluators
/// read, and are saved and loaded by ML.NET's own loaders.
/// </summary>
/// <remarks>
/// Why: the ONNX network's outputs reach ML.NET as vectors (OnnxTransformer 5.0.1 declares a rank-0 output as a
/// scalar column but cannot read it), and no public ML.NET transform turns a one-slot vector into a scalar. The
/// prediction transformers do, and their linear models compute exactly what the network does when their weights are
/// the identity: binary Score = 1·logit + 0 with Probability = 1 / (1 + exp(−Score)) (a fixed Platt calibrator,
/// slope −1, offset 0); multiclass Score = softmax(I·logits + 0) (maximum-entropy model); regression Score = 1·y + 0.
/// ML.NET keeps the constructors of these models and transformers internal, so they are called by reflection; a
/// missing constructor (an ML.NET version other than the one this library is built against) fails at Fit with an error
/// naming it, and <c>MlNetInteropTests</c> builds every head directly.
/// </remarks>
internal static class PredictionHeads
{
    /// <summary>Score, Probability and PredictedLabel (probability &gt; 0.5) from the one-slot logit column.</summary>
    public static ITransformer Binary(IHostEnvironment environment, IDataView scored, string logitColumn)
    {
        var model = Create<LinearBinaryModelParameters>(environment, new VBuffer<float>(1, new[] { 1f }), 0f, null);
        var prediction = Create<BinaryPredictionTransformer<LinearBinaryModelParameters>>(environment, model, scored.Schema, logitColumn, 0f, DefaultColumnNames.Score);
        var context = new MLContext();
        ITransformer calibrator = context.BinaryClassification.Calibrators.Platt(slope: -1, offset: 0).Fit(prediction.Transform(scored));
        return new TransformerChain<ITransformer>(prediction, calibrator);
    }

    /// <summary>Score (K softmax probabilities, slot names = class names) and PredictedLabel (a key of the label
    /// column's classes) from the K-slot logit column.</summary>
    public static ITransformer Multiclass(IHostEnvironment environment, IDataView scored, string logitColumn, string labelColumn, int classes)
    {
        var weights = new VBuffer<float>[classes];
        for (int k = 0; k < classes; k++)
        {
            var row = new float[classes];
            row[k] = 1f;
            weights[k] = new VBuffer<float>(classes, row);
        }
        var model = Create<MaximumEntropyModelParameters>(environment, weights, new float[classes], classes, classes, null, null);
        return Create<MulticlassPredictionTransformer<MaximumEntropyModelParameters>>(environment, model, scored.Schema, logitColumn, labelColumn,
            DefaultColumnNames.Score, DefaultColumnNames.PredictedLabel);
    }

    /// <summary>Score from the one-slot output column.</summary>
    public static ITransformer Regression(IHostEnvironment environment, IDataView scored, string valueColumn)
    {
        var model = Create<LinearRegressionModelParameters>(environment, new VBuffer<float>(1, new[] { 1f }), 0f);
        return Create<RegressionPredictionTransformer<LinearRegressionModelParameters>>(environment, model, scored.Schema, valueColumn);
    }

    /// <summary>Calls the non-public constructor of <typeparamref name="T"/> whose parameters take <paramref name="arguments"/>.</summary>
    private static T Create<T>(params object?[] arguments)
    {
        foreach (ConstructorInfo constructor in typeof(T).GetConstructors(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public))
        {
            ParameterInfo[] parameters = constructor.GetParameters();
            if (parameters.Length == arguments.Length && parameters.Select((p, i) => Accepts(p.ParameterType, arguments[i])).All(ok => ok))
            {
                return (T)constructor.Invoke(arguments);
            }
        }
        throw MlNetMemberMissing.Error(
            $"{typeof(T).Name}..ctor({string.Join(", ", arguments.Select(a => a?.GetType().Name ?? "null"))})", "build the prediction head of a fitted model");
    }

    private static bool Accepts(Type parameter, object? argument)
    {
        Type type = parameter.IsByRef ? parameter.GetElementType()! : parameter;
        return argument is null ? !type.IsValueType || Nullable.GetUnderlyingType(type) is not null : type.IsInstanceOfType(argument);
    }
}
