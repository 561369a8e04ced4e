using Microsoft.ML.Data;

namespace LstmMlNet.Forecasting;

/// <summary>
/// One input row of a saved forecasting model (<see cref="LstmForecastingTransformer.ScoringModel"/>, and what
/// <c>ml.Model.Load</c> returns for a saved <see cref="LstmForecastingTransformer"/>): the last W observations and,
/// for a model with covariates, their values over the window and the horizon. Use it with
/// <c>ml.Model.CreatePredictionEngine&lt;LstmForecastInput, TOut&gt;(model, inputSchemaDefinition: LstmForecastInput.SchemaFor(W, h, C))</c>.
/// </summary>
public sealed class LstmForecastInput
{
    /// <summary>The last W observations of the series, oldest first, raw (untransformed, unscaled).</summary>
    [ColumnName("Window")]
    public float[] Window { get; set; } = Array.Empty<float>();

    /// <summary>Covariates of the W window steps then the h horizon steps, step-major ((W + h)·C values, the C covariates
    /// of a step together, in the order of the model's covariate columns). Empty for a model without covariates.</summary>
    [ColumnName("Covariates")]
    public float[] Covariates { get; set; } = Array.Empty<float>();

    /// <summary>The schema definition with the vector sizes of a model: Window of <paramref name="windowSize"/> values,
    /// Covariates of (windowSize + horizon)·<paramref name="covariates"/> values (variable size when there are none).</summary>
    public static SchemaDefinition SchemaFor(int windowSize, int horizon, int covariates)
    {
        var definition = SchemaDefinition.Create(typeof(LstmForecastInput));
        definition["Window"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, windowSize);
        definition["Covariates"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, covariates > 0 ? (windowSize + horizon) * covariates : 0);
        return definition;
    }
}
