using LstmMlNet;              // RecurrentCellKind, PoolingKind
using LstmMlNet.Comparison;   // the comparison options (ml.CompareModels() comes with Microsoft.ML)
using Microsoft.ML;
using Microsoft.ML.Data;

// Recurrent configurations against ML.NET's baselines, each search under a time budget: yelp sentiment by 3-fold
// cross-validation, then bike demand by a rolling-origin backtest (about 3 minutes). The data folder is the first
// argument, or the copy of samples/data beside the binary (dotnet run -c Release --project samples/Quickstart/Comparison).
string data = args.Length > 0 ? args[0] : Path.Combine(AppContext.BaseDirectory, "data");
var ml = new MLContext(seed: 1);
IDataView reviews = ml.Data.LoadFromTextFile<Review>(Path.Combine(data, "sentiment", "yelp_labelled.txt"), separatorChar: '\t');
var options = new SupervisedComparisonOptions
{
    Folds = 3, TimeBudget = TimeSpan.FromMinutes(1), Strategy = SearchStrategy.Random, MaxRecurrentTrials = 2,
    SearchSpace = new RecurrentSearchSpace { Cells = [RecurrentCellKind.Lstm, RecurrentCellKind.Gru],
        HiddenSizes = [64, 128], Bidirectional = [true, false], Pooling = [PoolingKind.Max, PoolingKind.Attention] },
};
ComparisonResult result = ml.CompareModels().BinaryClassification(reviews, ComparisonInput.Text("Text"), "Label", options);
Console.WriteLine(result.ToTable());                 // mean ± sd over folds, fit s/fold, parameters, per trial
ml.Model.Save(result.BestModel!, reviews.Schema, "best.zip");   // the winner, refitted on all rows

// Forecasting: naive, seasonal naive, FastTree/LightGbm on lag features and ForecastByLstm configurations
IDataView bikeDays = ml.Data.LoadFromTextFile<BikeDay>(Path.Combine(data, "bike", "day.csv"), hasHeader: true, separatorChar: ',');
var forecasts = ml.CompareModels().Forecasting(bikeDays, "Count", windowSize: 14, horizon: 7, seasonality: 7,
    new ForecastComparisonOptions { Folds = 3, FoldLength = 30, TimeBudget = TimeSpan.FromMinutes(1) });
Console.WriteLine(forecasts.ToTable());

/// <summary>A line of yelp_labelled.txt: the sentence, a tab, 1 (positive) or 0.</summary>
public sealed class Review
{
    [LoadColumn(0)] public string Text { get; set; } = "";
    [LoadColumn(1)] public bool Label { get; set; }
}

/// <summary>A line of day.csv: the day's rentals.</summary>
public sealed class BikeDay
{
    [LoadColumn(15)] public float Count { get; set; }
}
