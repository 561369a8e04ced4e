using Microsoft.ML;

namespace LstmMlNet.Comparison;

/// <summary>
/// One call per task compares candidate models on the same seeded folds under a time budget and returns every trial,
/// a leaderboard (metric mean ± sd over folds, fit seconds per fold, learned parameters, configuration) and the best
/// model refitted on all rows. Baselines run first, then your own candidates, then the recurrent configurations of the
/// search space (grid or seeded random order) while the budget lasts. On a text input, when the app references
/// LstmMlNet.Text.MiniLM, the baselines include a linear probe on MiniLM sentence vectors and every recurrent point of a
/// search space whose <see cref="RecurrentSearchSpace.TextEncoders"/> is left null is also tried on MiniLM.
/// </summary>
public sealed class ModelComparisonCatalog
{
    private readonly MLContext ml;

    internal ModelComparisonCatalog(MLContext ml) => this.ml = ml;

    /// <summary>Binary classification (Boolean label) by k-fold cross-validation. Baselines: FeaturizeText +
    /// SdcaLogisticRegression and LbfgsLogisticRegression on text, and MiniLM sentence vectors + LbfgsLogisticRegression
    /// when the app references LstmMlNet.Text.MiniLM; SDCA, FastTree and LightGbm on numeric sequences.</summary>
    /// <param name="data">Training rows.</param>
    /// <param name="input">Text column or numeric sequence column.</param>
    /// <param name="labelColumnName">Boolean label column. Default "Label".</param>
    /// <param name="options">Search, folds, budget and progress; defaults of <see cref="SupervisedComparisonOptions"/> when null.</param>
    public ComparisonResult BinaryClassification(IDataView data, ComparisonInput input, string labelColumnName = "Label", SupervisedComparisonOptions? options = null) =>
        Supervised(ComparisonTask.BinaryClassification, data, input, labelColumnName, options);

    /// <summary>Multiclass classification by k-fold cross-validation; the label (any type, mapped to a key in place)
    /// comes back as its original value in the refitted model's PredictedLabel. Baselines: FeaturizeText +
    /// SdcaMaximumEntropy and LbfgsMaximumEntropy on text, and MiniLM sentence vectors + LbfgsMaximumEntropy when the app
    /// references LstmMlNet.Text.MiniLM; SDCA and LightGbm on numeric sequences.</summary>
    /// <param name="data">Training rows.</param>
    /// <param name="input">Text column or numeric sequence column.</param>
    /// <param name="labelColumnName">Label column. Default "Label".</param>
    /// <param name="options">Search, folds, budget and progress; defaults of <see cref="SupervisedComparisonOptions"/> when null.</param>
    public ComparisonResult MulticlassClassification(IDataView data, ComparisonInput input, string labelColumnName = "Label", SupervisedComparisonOptions? options = null) =>
        Supervised(ComparisonTask.MulticlassClassification, data, input, labelColumnName, options);

    /// <summary>Regression (Single label) by k-fold cross-validation. Baselines: FeaturizeText + Sdca and FastTree on
    /// text, and MiniLM sentence vectors + Sdca when the app references LstmMlNet.Text.MiniLM; Sdca, FastTree and LightGbm
    /// on numeric sequences.</summary>
    /// <param name="data">Training rows.</param>
    /// <param name="input">Text column or numeric sequence column.</param>
    /// <param name="labelColumnName">Single label column. Default "Label".</param>
    /// <param name="options">Search, folds, budget and progress; defaults of <see cref="SupervisedComparisonOptions"/> when null.</param>
    public ComparisonResult Regression(IDataView data, ComparisonInput input, string labelColumnName = "Label", SupervisedComparisonOptions? options = null) =>
        Supervised(ComparisonTask.Regression, data, input, labelColumnName, options);

    /// <summary>
    /// Forecasting by a rolling-origin backtest (see <see cref="ForecastComparisonOptions.FoldLength"/>) with the window and
    /// season chosen as <c>ForecastByLstm</c> chooses them: naive, seasonal naive (when there is a season), FastTree and
    /// LightGbm on lag features, and <c>ForecastByLstm</c> configurations, every candidate forecasting
    /// <paramref name="horizon"/> steps from each origin of a fold's block, scored on all steps. One series, or a panel
    /// with <see cref="ForecastComparisonOptions.SeriesIdColumnName"/>.
    /// <see cref="ComparisonResult.BestModel"/> is the winner refitted on all rows as a <c>ForecastByLstm</c> model (when
    /// naive or seasonal naive wins, a model that forecasts with that rule; see <see cref="ComparisonResult.Remark"/>).
    /// The same as <see cref="Forecasting(IDataView, string, int, int, int, ForecastComparisonOptions)"/> with window and
    /// season 0 (automatic).
    /// </summary>
    /// <param name="data">Rows in time order (per series).</param>
    /// <param name="valueColumnName">Single series column; every value must be finite.</param>
    /// <param name="horizon">Steps forecast from each origin, ≥ 1.</param>
    /// <param name="options">Search, folds, budget, series id, covariates and progress; defaults of
    /// <see cref="ForecastComparisonOptions"/> when null.</param>
    public ComparisonResult Forecasting(IDataView data, string valueColumnName, int horizon, ForecastComparisonOptions? options = null) =>
        Forecasting(data, valueColumnName, windowSize: 0, horizon, seasonality: 0, options);

    /// <summary>
    /// Forecasting by a rolling-origin backtest (see <see cref="ForecastComparisonOptions.FoldLength"/>): naive, seasonal
    /// naive (season ≥ 2), FastTree and LightGbm on lag features, and <c>ForecastByLstm</c> configurations, all reading the
    /// same window and season. Every candidate forecasts <paramref name="horizon"/> steps from each origin of a fold's
    /// block, scored on all steps. One series, or a panel with <see cref="ForecastComparisonOptions.SeriesIdColumnName"/>.
    /// <see cref="ComparisonResult.BestModel"/> is the winner refitted on all rows as a <c>ForecastByLstm</c> model: the
    /// best recurrent forecaster, or when naive or seasonal naive wins a model that forecasts with that rule alone (network
    /// weight 0); when a lag-feature tree wins it is the best recurrent forecaster and <see cref="ComparisonResult.Remark"/>
    /// says it is not the winner. The window and season used are <see cref="ComparisonResult.WindowSize"/> and
    /// <see cref="ComparisonResult.Seasonality"/>.
    /// </summary>
    /// <param name="data">Rows in time order (per series).</param>
    /// <param name="valueColumnName">Single series column; every value must be finite.</param>
    /// <param name="windowSize">Past values each candidate reads (lags of the tree baselines, W of the recurrent ones), ≥ 2,
    /// or 0 for <c>ForecastByLstm</c>'s automatic window (<see cref="LstmMlNet.LstmForecastingOptions.WindowSize"/>) resolved on
    /// the rows before the first fold.</param>
    /// <param name="horizon">Steps forecast from each origin, ≥ 1.</param>
    /// <param name="seasonality">Season length in rows for seasonal naive, the recurrent forecasters and MASE (7 for daily
    /// data with a weekly cycle, 12 for monthly data); 1 means none; 0 (default) detects it as <c>ForecastByLstm</c> does
    /// (<see cref="LstmMlNet.LstmForecastingOptions.Seasonality"/>) on the rows before the first fold.</param>
    /// <param name="options">Search, folds, budget, series id, covariates and progress; defaults of
    /// <see cref="ForecastComparisonOptions"/> when null.</param>
    public ComparisonResult Forecasting(IDataView data, string valueColumnName, int windowSize, int horizon, int seasonality = 0,
        ForecastComparisonOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentException.ThrowIfNullOrWhiteSpace(valueColumnName);
        if (windowSize is 1 or < 0) throw new ArgumentOutOfRangeException(nameof(windowSize), windowSize, "Must be 0 (automatic) or at least 2.");
        ArgumentOutOfRangeException.ThrowIfLessThan(horizon, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(seasonality);
        options ??= new ForecastComparisonOptions();
        options.Validate(ComparisonTask.Forecasting);
        return new ForecastComparison(ml, valueColumnName, windowSize, horizon, seasonality, options).Run(data);
    }

    private ComparisonResult Supervised(ComparisonTask task, IDataView data, ComparisonInput input, string labelColumnName, SupervisedComparisonOptions? options)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentException.ThrowIfNullOrWhiteSpace(labelColumnName);
        options ??= new SupervisedComparisonOptions();
        options.Validate(task);
        return new SupervisedComparison(ml, task, input, labelColumnName, options).Run(data);
    }
}
