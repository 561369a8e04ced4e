using System.Globalization;
using LstmMlNet.Comparison;
using LstmMlNet;
using Microsoft.ML;
using Microsoft.ML.Data;
using Spectre.Console;

// Compares recurrent models with ML.NET's own baselines on the real data of samples/data, AutoML-style:
//   1. yelp review sentiment (binary): FeaturizeText + SDCA / L-BFGS against (Bi)LSTM and GRU, 5-fold cross-validation;
//   2. bike demand (forecasting, 7 days ahead): naive, seasonal naive, FastTree and LightGbm on lag features against
//      ForecastByLstm configurations, in a rolling-origin backtest over the last 90 days.
// Each search runs under a time budget (default 120 s each; --budget <seconds>), shows a live progress bar and the
// leaderboard, then saves the refitted best model and loads it back in a fresh MLContext.
// Usage: dotnet run -c Release --project samples/ModelComparison [-- --budget 60]
int budgetSeconds = 120;
for (int i = 0; i + 1 < args.Length; i++)
    if (args[i] == "--budget") budgetSeconds = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
var budget = TimeSpan.FromSeconds(budgetSeconds);
string output = AppContext.BaseDirectory;

var ml = new MLContext(seed: 1);
// The comparison writes one line per trial to ML.NET's log; show those lines above the progress bar.
ml.Log += (_, e) =>
{
    if (e.Source == "ModelComparison" && e.Kind == Microsoft.ML.Runtime.ChannelMessageKind.Info)
        AnsiConsole.MarkupLine($"[grey]{Markup.Escape(e.RawMessage)}[/]");
};

// 1. Text: yelp sentiment.
string yelpPath = SampleData("sentiment", "yelp_labelled.txt");
IDataView reviews = ml.Data.Cache(ml.Data.LoadFromTextFile<Review>(yelpPath, separatorChar: '\t', hasHeader: false, allowQuoting: false));
AnsiConsole.Write(new Rule("[bold]yelp sentiment: recurrent trainers vs ML.NET's text baselines[/]").LeftJustified());
AnsiConsole.MarkupLine($"{Markup.Escape(yelpPath)}: 1,000 labelled sentences, 5-fold cross-validation (seed 1), budget {budget.TotalSeconds:F0} s");
var textOptions = new SupervisedComparisonOptions
{
    Folds = 5,
    TimeBudget = budget,
    SearchSpace = new RecurrentSearchSpace
    {
        Cells = new[] { RecurrentCellKind.Lstm, RecurrentCellKind.Gru },
        HiddenSizes = new[] { 64, 128 },
        Bidirectional = new[] { true, false },
    },
    Strategy = SearchStrategy.Random,
    MaxRecurrentTrials = 4,
};
ComparisonResult text = Run(textOptions, o => ml.CompareModels().BinaryClassification(reviews, ComparisonInput.Text(nameof(Review.Text)), options: o));
Show(text);
if (text.BestModel is not null)
{
    string path = Path.Combine(output, "best-sentiment-model.zip");
    ml.Model.Save(text.BestModel, reviews.Schema, path);
    var app = new MLContext();
    var engine = app.Model.CreatePredictionEngine<Review, SentimentPrediction>(app.Model.Load(path, out _));
    const string sentence = "The staff were friendly and the food came quickly.";
    AnsiConsole.MarkupLine($"Best refitted on all rows, saved to {Markup.Escape(path)}, reloaded: \"{sentence}\" → " +
        $"{(engine.Predict(new Review { Text = sentence }).PredictedLabel ? "positive" : "negative")}");
}

// 2. Forecasting: bike demand.
string bikePath = SampleData("bike", "day.csv");
IDataView bike = ml.Data.LoadFromTextFile<BikeDay>(bikePath, hasHeader: true, separatorChar: ',');
AnsiConsole.WriteLine();
AnsiConsole.Write(new Rule("[bold]bike demand, 7 days ahead: ForecastByLstm vs naive rules and boosted trees[/]").LeftJustified());
AnsiConsole.MarkupLine($"{Markup.Escape(bikePath)}: 731 days; rolling-origin backtest, 3 folds of 30 days, window 14, budget {budget.TotalSeconds:F0} s");
var forecastOptions = new ForecastComparisonOptions
{
    Folds = 3,
    FoldLength = 30,
    TimeBudget = budget,
    SearchSpace = new RecurrentSearchSpace
    {
        Cells = new[] { RecurrentCellKind.Lstm, RecurrentCellKind.Gru },
        HiddenSizes = new[] { 32, 64 },
        Bidirectional = new[] { false },
    },
};
ComparisonResult forecast = Run(forecastOptions, o => ml.CompareModels().Forecasting(bike, nameof(BikeDay.Count), windowSize: 14, horizon: 7, seasonality: 7, options: o));
Show(forecast);
if (forecast.BestModel is LstmForecastingTransformer forecaster)
{
    string path = Path.Combine(output, "best-bike-forecaster.zip");
    ml.Model.Save(forecaster, forecaster.ScoringInputSchema, path);
    AnsiConsole.MarkupLine($"{Markup.Escape(forecast.BestModelTrial!.Name)} refitted on all 731 days as a ForecastByLstm model, saved to {Markup.Escape(path)} " +
        $"(input: the last {forecaster.WindowSize} values; output: 7 forecasts with 95% bounds).");
}
return 0;

// Runs one comparison under a live progress bar: one bar for the search (trials done of planned), one for the budget.
ComparisonResult Run<TOptions>(TOptions options, Func<TOptions, ComparisonResult> compare) where TOptions : ComparisonOptions
{
    ComparisonResult? result = null;
    AnsiConsole.Progress()
        .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
        .Start(context =>
        {
            ProgressTask trials = context.AddTask("trials");
            ProgressTask clock = context.AddTask("budget").MaxValue(options.TimeBudget.TotalSeconds);
            options.Progress = new Reporter(p =>
            {
                trials.MaxValue = p.PlannedTrials;
                trials.Value = p.Completed is null ? p.Trial - 1 : p.Trial;
                trials.Description = Markup.Escape(p.Completed is null ? $"{p.Name}, fold {p.Fold}/{p.Folds}" : $"{p.Trial}/{p.PlannedTrials} trials");
                clock.Value = Math.Min(p.Elapsed.TotalSeconds, clock.MaxValue);
            });
            result = compare(options);
            trials.Value = trials.MaxValue;
            clock.Value = clock.MaxValue;
        });
    return result!;
}

// The leaderboard as a table, then the trials that did not complete.
void Show(ComparisonResult result)
{
    string direction = result.Metric.HigherIsBetter() ? "higher is better" : "lower is better";
    var table = new Table().Border(TableBorder.Rounded)
        .Title($"{result.Metric} ({direction}), {result.Trials.Count} trials in {result.Elapsed.TotalSeconds:F0} s " +
            $"({result.BudgetUsed:P0} of the budget{(result.BudgetExhausted ? "" : "; every candidate ran")})")
        .AddColumns("#", "candidate", "mean", "± sd", "fit s/fold", "parameters", "family");
    int rank = 1;
    foreach (TrialResult t in result.Leaderboard)
        table.AddRow((rank++).ToString(CultureInfo.InvariantCulture), Markup.Escape(t.Name), t.Mean.ToString("F4", CultureInfo.InvariantCulture),
            t.StandardDeviation.ToString("F4", CultureInfo.InvariantCulture), t.TrainSeconds.ToString("F2", CultureInfo.InvariantCulture),
            ComparisonResult.Parameters(t.Parameters), t.Family.ToString());
    AnsiConsole.Write(table);
    foreach (TrialResult t in result.Trials.Where(t => t.Status != TrialStatus.Completed))
        AnsiConsole.MarkupLine($"[yellow]{Markup.Escape(t.Name)}: {t.Status}{Markup.Escape(t.Error is null ? "" : " (" + t.Error + ")")}[/]");
    if (result.Remark is not null) AnsiConsole.MarkupLine($"[bold]{Markup.Escape(result.Remark)}[/]");
}

// The copies of samples/data that the project puts beside the binary.
static string SampleData(params string[] parts) => Path.Combine(new[] { AppContext.BaseDirectory, "data" }.Concat(parts).ToArray());

/// <summary>Reports synchronously on the comparison's thread (Progress&lt;T&gt; would post to the thread pool).</summary>
internal sealed class Reporter(Action<ComparisonProgress> report) : IProgress<ComparisonProgress>
{
    public void Report(ComparisonProgress value) => report(value);
}

/// <summary>A labelled sentence: text TAB 0/1.</summary>
internal sealed class Review
{
    [LoadColumn(0)]
    public string Text { get; set; } = "";

    [LoadColumn(1)]
    public bool Label { get; set; }
}

/// <summary>The binary classifier's outputs.</summary>
internal sealed class SentimentPrediction
{
    public bool PredictedLabel { get; set; }

    public float Probability { get; set; }
}

/// <summary>UCI bike sharing, daily: the rented-bike count.</summary>
internal sealed class BikeDay
{
    [LoadColumn(15)]
    public float Count { get; set; }
}
