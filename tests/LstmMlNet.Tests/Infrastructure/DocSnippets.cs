using LstmMlNet.Comparison;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LstmMlNet.Tests.Infrastructure;

/// <summary>The code snippets of the docs/ pages, compiled here: a page's block marked
/// <c>&lt;!-- file: tests/LstmMlNet.Tests/Infrastructure/DocSnippets.cs#name --&gt;</c> must equal the lines between
/// <c>// &lt;name&gt;</c> and <c>// &lt;/name&gt;</c> below, indentation removed (<see cref="ReadmeCodeBlockTests"/>).
/// Compiled, not run: each method is what a user would write in an app.</summary>
internal static class DocSnippets
{
    /// <summary>docs/text.md: network options changed in place keep the trainer's other defaults.</summary>
    public static LstmMulticlassTrainer.Options NetworkInPlace()
    {
        // <network>
        var options = new LstmMulticlassTrainer.Options { Network = { Cell = RecurrentCellKind.Gru, Layers = 2 }, Epochs = 20 };
        // </network>
        return options;
    }

    /// <summary>docs/forecasting.md: a rolling-origin backtest of the airline series under Darts' protocol.</summary>
    public static void Backtest(string path)
    {
        // <backtest>
        var ml = new MLContext(seed: 1);
        AirMonth[] months = File.ReadLines(path).Skip(1)   // samples/data/airline/air_passengers.csv: "date","traffic"
            .Select(line => new AirMonth { Passengers = float.Parse(line.Split(',')[1].Trim('"'), System.Globalization.CultureInfo.InvariantCulture) })
            .ToArray();
        IDataView data = ml.Data.LoadFromEnumerable(months);
        var options = new LstmForecastingOptions { InputColumnName = nameof(AirMonth.Passengers), Horizon = 6 };

        // Fit once on the rows before 1959-01 (row 120), forecast 6 months from every origin 1959-01 … 1960-07 (Darts'
        // historical_forecasts with retrain=False); refitEvery: k refits on all earlier rows every k origins (expanding window).
        ForecastBacktestResult backtest = ForecastBacktest.Run(ml, options, data, firstOrigin: 120, stride: 1, refitEvery: 0, seasonality: 12);
        BacktestMetrics sixAhead = backtest.Steps[5];     // MAE, RMSE, MSE, sMAPE, MAPE, MASE, coverage, width, interval score
        IReadOnlyList<BacktestForecast> rows = backtest.Forecasts; // series, origin, step, forecast, lower, upper, actual
        Console.WriteLine($"6 months ahead: {sixAhead}; {rows.Count} forecast values");
        // </backtest>
    }

    /// <summary>docs/serving.md: a scoring app loads a saved model, serves it, and disposes what it loaded.</summary>
    public static void Serve(string path)
    {
        // <serve>
        var ml = new MLContext();
        LstmModelChecksum.Verify(path);                       // optional: the ONNX entries are the ones that were saved
        ITransformer model = ml.Model.Load(path, out _);
        using (model as IDisposable)                          // Dispose deletes OnnxTransformer's temporary copy of the ONNX model
        {
            // The engine must not own the loaded model: several engines (one per thread) share it, and it outlives them.
            var options = new PredictionEngineOptions { OwnsTransformer = false };
            using var engine = ml.Model.CreatePredictionEngine<Review, Sentiment>(model, options);
            Sentiment answer = engine.Predict(new Review { Text = "The staff were friendly and the food came quickly." });
            Console.WriteLine($"Positive: {answer.PredictedLabel} (probability {answer.Probability:F3})");
        }
        // </serve>
    }

    /// <summary>docs/serving.md: a forecast engine is disposed, its checkpoint reloaded and disposed too.</summary>
    public static void ForecastEngine(MLContext ml, LstmForecastingTransformer model, string checkpoint)
    {
        // <forecast-engine>
        using (var engine = model.CreateForecastEngine<BikeDay, BikeForecast>(ml))
        {
            engine.Update(new BikeDay { Count = 4_321 });  // a new observation
            engine.CheckPoint(checkpoint);                  // model and state in one file, written atomically
        }
        // In another process or after a restart: no TorchSharp needed.
        using var restored = LstmForecastEngine.Load<BikeDay, BikeForecast>(new MLContext(), checkpoint);
        BikeForecast next = restored.Predict();
        // </forecast-engine>
        Console.WriteLine(next.Forecast[0]);
    }

    /// <summary>docs/forecasting.md: forecast every series of a panel at two levels, update, save with the series' ends, load.</summary>
    public static void Panel(MLContext ml, LstmForecastingTransformer model, IDataView newRows, string path)
    {
        // <panel>
        // Every series from where it ends, in batched calls: one row per series and step.
        IDataView forecasts = model.Forecast(levels: [0.8f, 0.95f], quantiles: [0.1f, 0.9f]);
        foreach (PanelForecast f in ml.Data.CreateEnumerable<PanelForecast>(forecasts, reuseRowObject: false).Take(3))
            Console.WriteLine($"{f.SeriesId} +{f.Step}: {f.Forecast:F1} [{f.Lower80:F1}, {f.Upper80:F1}] 95% [{f.Lower95:F1}, {f.Upper95:F1}]");

        using (LstmForecaster forecaster = model.CreateForecaster())
        {
            forecaster.Update(newRows);   // new observations of any series, in time order
            forecaster.Save(ml, path);    // one file: ml.Model.Load reads the scoring model, LstmForecaster.Load the series too
        }
        // In the scoring app (no TorchSharp): thread-safe, share one instance.
        using LstmForecaster served = LstmForecaster.Load(new MLContext(), path);
        IDataView next = served.Forecast(seriesIds: ["H1", "H2"]);
        // </panel>
        Console.WriteLine(next.GetRowCount());
    }

    /// <summary>A row of <see cref="Panel"/>'s forecasts: the model's columns (series id SeriesId, output Forecast, bounds
    /// LowerBound/UpperBound) with the level suffixes.</summary>
    public sealed class PanelForecast
    {
        public string SeriesId { get; set; } = "";
        public int Step { get; set; }
        public float Forecast { get; set; }
        [ColumnName("LowerBound_80")] public float Lower80 { get; set; }
        [ColumnName("UpperBound_80")] public float Upper80 { get; set; }
        [ColumnName("LowerBound_95")] public float Lower95 { get; set; }
        [ColumnName("UpperBound_95")] public float Upper95 { get; set; }
        [ColumnName("Forecast_Q10")] public float Quantile10 { get; set; }
        [ColumnName("Forecast_Q90")] public float Quantile90 { get; set; }
    }

    /// <summary>docs/troubleshooting.md: training on a CUDA device.</summary>
    public static MLContext Gpu()
    {
        // <gpu>
        var ml = new MLContext(seed: 1) { GpuDeviceId = 0, FallbackToCpu = true };   // device cuda:0, CPU if none
        // </gpu>
        return ml;
    }

    /// <summary>docs/troubleshooting.md: libtorch's intra-op threads.</summary>
    public static void Threads()
    {
        // <threads>
        TorchSharp.torch.set_num_threads(2);   // before the first Fit; the default is the number of physical cores
        // </threads>
    }

    /// <summary>docs/comparison.md: a random search that draws until the budget is spent; one on learnt tokens only.</summary>
    public static (SupervisedComparisonOptions Drawn, SupervisedComparisonOptions TokensOnly) ComparisonOptions()
    {
        // <comparison-options>
        var options = new SupervisedComparisonOptions
        {
            Folds = 5,
            TimeBudget = TimeSpan.FromMinutes(5),
            Strategy = SearchStrategy.Random,   // MaxRecurrentTrials 0: distinct draws until the budget or the space ends
            SearchSpace = new RecurrentSearchSpace { HiddenSizes = [32, 64, 128], LearningRates = [1e-3, 2e-3, 5e-3] },
        };
        // Learnt tokens only, even where LstmMlNet.Text.MiniLM is referenced: no probe, no MiniLM twins.
        var tokensOnly = new SupervisedComparisonOptions
        {
            IncludePretrainedBaselines = false,
            SearchSpace = new RecurrentSearchSpace { TextEncoders = [PretrainedTextEncoder.None] },
        };
        // </comparison-options>
        return (options, tokensOnly);
    }

    /// <summary>docs/comparison.md: a panel compared with the forecaster's automatic window and season; the model returned.</summary>
    public static void ComparisonForecasting(MLContext ml, IDataView hourly)
    {
        // <comparison-forecasting>
        ComparisonResult result = ml.CompareModels().Forecasting(hourly, "Value", horizon: 48, new ForecastComparisonOptions
        {
            SeriesIdColumnName = "SeriesId",   // a panel: every series' last Folds × FoldLength rows, one global LSTM per fold
            Folds = 3, FoldLength = 48, TimeBudget = TimeSpan.FromMinutes(20),
        });
        Console.WriteLine(result.ToTable());   // the leaderboard, the window and season every candidate read, the remark
        Console.WriteLine($"W {result.WindowSize}, season {result.Seasonality}; {result.Remark}");
        var model = (LstmForecastingTransformer)result.BestModel!;   // the winner refitted (a simple winner: network weight 0)
        IDataView next = model.Forecast();
        // </comparison-forecasting>
        Console.WriteLine(next.GetRowCount());
    }

    /// <summary>A month of the airline series.</summary>
    public sealed class AirMonth
    {
        public float Passengers { get; set; }
    }

    /// <summary>A review and its label, as in the quickstart.</summary>
    public sealed class Review
    {
        [LoadColumn(0)] public string Text { get; set; } = "";
        [LoadColumn(1)] public bool Label { get; set; }
    }

    /// <summary>The columns of a binary classifier's prediction read here.</summary>
    public sealed class Sentiment
    {
        public bool PredictedLabel { get; set; }
        public float Probability { get; set; }
    }

    /// <summary>A day's rentals.</summary>
    public sealed class BikeDay
    {
        public float Count { get; set; }
    }

    /// <summary>The forecast engine's output.</summary>
    public sealed class BikeForecast
    {
        public float[] Forecast { get; set; } = [];
        public float[] LowerBound { get; set; } = [];
        public float[] UpperBound { get; set; } = [];
    }
}
