using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using LstmMlNet.Catalog;
using LstmMlNet.Onnx;
using Microsoft.ML;
using static TorchSharp.torch;

namespace LstmMlNet.Tests.Onnx;

/// <summary>A saved model loads and predicts in a process that has only ML.NET, OnnxTransformer and ONNX Runtime.</summary>
public sealed class SeparateProcessLoadTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("lstmmlnet-loadcheck-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    /// <summary>tests/LstmMlNet.LoadCheck/bin/&lt;Configuration&gt;/net10.0/, beside this assembly's own output folder.</summary>
    internal static string LoadCheckFolder()
    {
        string here = Path.GetDirectoryName(typeof(SeparateProcessLoadTests).Assembly.Location)!;
        string configuration = typeof(SeparateProcessLoadTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        string folder = Path.GetFullPath(Path.Combine(here, "..", "..", "..", "..", "LstmMlNet.LoadCheck", "bin", configuration, "net10.0"));
        Assert.True(File.Exists(Path.Combine(folder, "LstmMlNet.LoadCheck.dll")), $"LstmMlNet.LoadCheck.dll not found in {folder}; the test project builds it first.");
        return folder;
    }

    [Fact]
    public async Task Load_check_app_without_torchsharp_prints_the_in_memory_scores()
    {
        string loadCheck = LoadCheckFolder();
        Assert.False(File.Exists(Path.Combine(loadCheck, "TorchSharp.dll")), "the load check must not ship TorchSharp");
        Assert.False(File.Exists(Path.Combine(loadCheck, "LstmMlNet.dll")), "the load check must not ship LstmMlNet");
        Assert.Empty(Directory.GetFiles(loadCheck, "*torch*", SearchOption.AllDirectories));

        OnnxScoringChainTests.TokenRow[] rows = OnnxScoringChainTests.TokenRows();
        float[][] expected;
        string modelPath = Path.Combine(folder, "model.zip");
        using (NewDisposeScope())
        {
            byte[] bytes = OnnxExporter.Export(OnnxScoringChainTests.TokenNetwork(3), new OnnxExportOptions(OnnxHead.Softmax));
            var ml = new MLContext(seed: 1);
            IDataView data = ml.Data.LoadFromEnumerable(rows);
            ITransformer model = OnnxScoringChain.ForTokens(ml, "Tokens", OnnxScoringChainTests.Vocabulary(), bytes, "Input", "Score").Fit(data);
            expected = OnnxScoringChainTests.Scores(model.Transform(data), "Score");
            ml.Model.Save(model, data.Schema, modelPath);
        }
        string rowsPath = Path.Combine(folder, "rows.txt");
        File.WriteAllText(rowsPath, string.Concat(rows.Select(r => string.Join(' ', r.Tokens) + "\n")));

        string stdout = await RunLoadCheck(loadCheck, modelPath, rowsPath, "tokens", "Tokens", "Score");

        string[] lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(rows.Length, lines.Length);
        for (int i = 0; i < rows.Length; i++)
        {
            float[] printed = lines[i].Trim().Split(' ').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            double diff = OnnxExportTests.MaxDifference(expected[i], printed);
            Assert.True(diff <= 1e-5, $"row {i}: printed [{lines[i]}], in memory [{string.Join(' ', expected[i])}]");
        }
    }

    [Fact]
    public async Task Load_check_app_without_torchsharp_gives_the_binary_trainer_predictions()
    {
        string loadCheck = LoadCheckFolder();
        var ml = new MLContext(seed: 1);
        var sentences = new[] { "the food was great and the staff friendly", "terrible service, never again", "", "ok" };
        IDataView train = Catalog.TrainerModelTests.Yelp(ml);
        ITransformer model = Catalog.TrainerModelTests.TextPipeline(ml)
            .Append(ml.BinaryClassification.Trainers.Lstm(new LstmMlNet.LstmBinaryTrainer.Options { Seed = 1, Epochs = 2, Network = { HiddenSize = 16 }, EmbeddingSize = 16 }))
            .Fit(train);
        var engine = ml.Model.CreatePredictionEngine<Catalog.TextInput, Catalog.BinaryOutput>(model);
        Catalog.BinaryOutput[] expected = sentences.Select(s => engine.Predict(new Catalog.TextInput { Text = s })).ToArray();
        string modelPath = Path.Combine(folder, "binary.zip");
        ml.Model.Save(model, train.Schema, modelPath);
        string rowsPath = Path.Combine(folder, "sentences.txt");
        File.WriteAllText(rowsPath, string.Concat(sentences.Select(s => s + "\n")));

        string stdout = await RunLoadCheck(loadCheck, modelPath, rowsPath, "binary-text", "Text", "Score");

        string[] lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(sentences.Length, lines.Length);
        for (int i = 0; i < sentences.Length; i++)
        {
            string[] parts = lines[i].Trim().Split(' ');
            Assert.True(Math.Abs(float.Parse(parts[0], CultureInfo.InvariantCulture) - expected[i].Score) <= 1e-5, $"row {i}: {lines[i]} vs score {expected[i].Score}");
            Assert.True(Math.Abs(float.Parse(parts[1], CultureInfo.InvariantCulture) - expected[i].Probability) <= 1e-6, $"row {i}: {lines[i]} vs probability {expected[i].Probability}");
            Assert.Equal(expected[i].PredictedLabel, bool.Parse(parts[2]));
        }
    }

    /// <summary>Runs the load check app with <paramref name="args"/> and returns its standard output (exit code 0 asserted).</summary>
    internal static async Task<string> RunLoadCheck(string loadCheck, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(loadCheck, "LstmMlNet.LoadCheck.dll"));
        foreach (string arg in args) start.ArgumentList.Add(arg);
        using Process process = Process.Start(start)!;
        Task<string> stderrTask = process.StandardError.ReadToEndAsync();
        Task<string> stdoutTask = process.StandardOutput.ReadToEndAsync();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120)))
        {
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }
        }
        string stdout = await stdoutTask;
        string stderr = await stderrTask;
        Assert.True(process.ExitCode == 0, $"exit code {process.ExitCode}: {stderr}");
        return stdout;
    }
}
