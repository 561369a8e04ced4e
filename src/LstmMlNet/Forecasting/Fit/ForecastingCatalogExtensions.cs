using LstmMlNet;

namespace Microsoft.ML;

/// <summary><c>ml.Forecasting.ForecastByLstm(...)</c>.</summary>
public static class ForecastingCatalogExtensions
{
    /// <summary>
    /// A recurrent forecaster with the shape of <c>ForecastBySsa</c>: reads the Single series column
    /// <paramref name="inputColumnName"/> (rows in time order) and writes vectors of <paramref name="horizon"/> Single:
    /// the forecast and its lower and upper confidence bounds. Other settings take the defaults of
    /// <see cref="LstmForecastingOptions"/>.
    /// </summary>
    /// <param name="catalog">ml.Forecasting.</param>
    /// <param name="outputColumnName">Forecast column.</param>
    /// <param name="inputColumnName">Series column (Single).</param>
    /// <param name="windowSize">Past observations the network reads, W ≥ 2, or 0 to derive it from the data (see
    /// <see cref="LstmForecastingOptions.WindowSize"/>).</param>
    /// <param name="horizon">Steps forecast at once, h ≥ 1.</param>
    /// <param name="confidenceLevel">Coverage of the bounds, in (0, 1). Default 0.95.</param>
    /// <param name="confidenceLowerBoundColumn">Lower-bound column. Default "LowerBound".</param>
    /// <param name="confidenceUpperBoundColumn">Upper-bound column. Default "UpperBound".</param>
    /// <param name="seriesIdColumnName">Optional series-id column for a global model over many series. Default null.</param>
    /// <param name="covariateColumnNames">Optional Single covariate columns known in the future. Default none.</param>
    public static LstmForecastingEstimator ForecastByLstm(this ForecastingCatalog catalog, string outputColumnName, string inputColumnName,
        int windowSize, int horizon, float confidenceLevel = LstmForecastingOptions.Defaults.ConfidenceLevel,
        string confidenceLowerBoundColumn = LstmForecastingOptions.Defaults.ConfidenceLowerBoundColumn,
        string confidenceUpperBoundColumn = LstmForecastingOptions.Defaults.ConfidenceUpperBoundColumn,
        string? seriesIdColumnName = null, string[]? covariateColumnNames = null)
    {
        return catalog.ForecastByLstm(new LstmForecastingOptions
        {
            OutputColumnName = outputColumnName,
            InputColumnName = inputColumnName,
            WindowSize = windowSize,
            Horizon = horizon,
            ConfidenceLevel = confidenceLevel,
            ConfidenceLowerBoundColumn = confidenceLowerBoundColumn,
            ConfidenceUpperBoundColumn = confidenceUpperBoundColumn,
            SeriesIdColumnName = seriesIdColumnName,
            CovariateColumnNames = covariateColumnNames ?? Array.Empty<string>(),
        });
    }

    /// <summary>A recurrent forecaster configured by <paramref name="options"/>.</summary>
    public static LstmForecastingEstimator ForecastByLstm(this ForecastingCatalog catalog, LstmForecastingOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        return new LstmForecastingEstimator(LstmMlNet.Interop.CatalogEnvironment.Of(catalog), options);
    }
}
