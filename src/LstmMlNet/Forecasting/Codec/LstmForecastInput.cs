using LstmMlNet.Forecasting;
using Microsoft.ML.Data;

namespace LstmMlNet;

/// <summary>
/// One input row of a saved forecasting model (<see cref="LstmForecastingTransformer.ScoringModel"/>, and what
/// <c>ml.Model.Load</c> returns for a saved <see cref="LstmForecastingTransformer"/>): the last W observations and,
/// for a model with covariates, their values over the window and the horizon; with past covariates their values over the
/// window; with calendar inputs the times of the window and horizon steps. Use it with
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

    /// <summary>Past covariates of the W window steps, step-major (W·Cp values, in the order of the model's past-covariate
    /// columns). Empty for a model without past covariates.</summary>
    [ColumnName("PastCovariates")]
    public float[] PastCovariates { get; set; } = Array.Empty<float>();

    /// <summary>Times of the W window steps then the h horizon steps, as <see cref="DateTime.Ticks"/> (W + h values), for a
    /// model with calendar inputs; empty otherwise.</summary>
    [ColumnName("Timestamps")]
    public long[] Timestamps { get; set; } = Array.Empty<long>();

    /// <summary>The schema definition with the vector sizes of a model: Window of <paramref name="windowSize"/> values,
    /// Covariates of (windowSize + horizon)·<paramref name="covariates"/> values, PastCovariates of
    /// windowSize·<paramref name="pastCovariates"/> values, Timestamps of windowSize + horizon values when
    /// <paramref name="timestamps"/> (each variable size when absent). <see cref="LstmForecastingTransformer.ScoringInputSchemaDefinition"/>
    /// is this for a fitted model.</summary>
    public static SchemaDefinition SchemaFor(int windowSize, int horizon, int covariates, int pastCovariates = 0, bool timestamps = false)
    {
        var definition = SchemaDefinition.Create(typeof(LstmForecastInput));
        definition["Window"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, windowSize);
        definition["Covariates"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, covariates > 0 ? (windowSize + horizon) * covariates : 0);
        definition["PastCovariates"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, pastCovariates > 0 ? windowSize * pastCovariates : 0);
        definition["Timestamps"].ColumnType = new VectorDataViewType(NumberDataViewType.Int64, timestamps ? windowSize + horizon : 0);
        return definition;
    }

    internal static SchemaDefinition SchemaFor(ForecastLayout layout) =>
        SchemaFor(layout.WindowSize, layout.Horizon, layout.Covariates, layout.PastCovariates, layout.HasTimestamps);
}
