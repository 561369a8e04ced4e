using System.Diagnostics;
using System.IO.Compression;
using LstmMlNet.Catalog;
using LstmMlNet.Forecasting;
using LstmMlNet.Onnx;
using LstmMlNet.Tests.Catalog;
using LstmMlNet.Tests.Forecasting;
using Microsoft.ML;
using Xunit.Abstractions;

namespace LstmMlNet.Tests.Onnx;

/// <summary>The SHA-256 checksum in every exported ONNX model: written at export, checked by the public verify helper
/// and by <c>LstmForecastEngine.Load</c>; single-bit flips inside a saved model's ONNX entry are all caught.</summary>
public sealed class LstmModelChecksumTests(ITestOutputHelper output)
{
    private static string TempPath() => Path.Combine(Path.GetTempPath(), $"lstm-checksum-{Guid.NewGuid():N}.zip");

    /// <summary>The zip entries holding ONNX models (ML.NET writes an int32 length, then the bytes).</summary>
    private static string OnnxEntry(string zipPath)
    {
        using var zip = ZipFile.OpenRead(zipPath);
        return zip.Entries.Single(e => e.FullName.EndsWith("OnnxModel", StringComparison.Ordinal)).FullName;
    }

    /// <summary>Flips bit <paramref name="bit"/> of byte <paramref name="offset"/> of the ONNX bytes inside entry
    /// <paramref name="entryName"/> (after the 4-byte length prefix) of the zip at <paramref name="zipPath"/>.</summary>
    private static void FlipBit(string zipPath, string entryName, int offset, int bit)
    {
        using var zip = ZipFile.Open(zipPath, ZipArchiveMode.Update);
        ZipArchiveEntry entry = zip.GetEntry(entryName)!;
        var buffer = new MemoryStream();
        using (Stream stream = entry.Open()) stream.CopyTo(buffer);
        byte[] bytes = buffer.ToArray();
        bytes[4 + offset] ^= (byte)(1 << bit);
        entry.Delete();
        using Stream replaced = zip.CreateEntry(entryName).Open();
        replaced.Write(bytes);
    }

    private static int OnnxLength(string zipPath, string entryName)
    {
        using var zip = ZipFile.OpenRead(zipPath);
        using Stream stream = zip.GetEntry(entryName)!.Open();
        var prefix = new byte[4];
        stream.ReadExactly(prefix);
        return BitConverter.ToInt32(prefix);
    }

    [Fact]
    public void Every_single_bit_flip_in_a_saved_models_onnx_entry_is_caught_and_the_check_is_cheap()
    {
        var ml = new MLContext(seed: 1);
        IDataView train = ml.Data.LoadFromEnumerable(RegressionTrainerTests.Rows(40, 1));
        var trainer = ml.Regression.Trainers.Lstm(new LstmRegressionTrainer.Options { FeatureColumnName = "Frames", FrameSize = 2, Network = { HiddenSize = 64, Layers = 2 }, Epochs = 1, Seed = 1 });
        ITransformer model = trainer.Fit(train);
        LstmModelChecksum.VerifyOnnx(trainer.LastFitReport!.OnnxModel(), "the fitted model");

        string path = TempPath();
        try
        {
            ml.Model.Save(model, train.Schema, path);
            Assert.Equal(1, LstmModelChecksum.Verify(path));
            string entry = OnnxEntry(path);
            int length = OnnxLength(path, entry);

            var clock = Stopwatch.StartNew();
            const int repeats = 20;
            for (int k = 0; k < repeats; k++) LstmModelChecksum.Verify(path);
            double ms = clock.Elapsed.TotalMilliseconds / repeats;
            clock.Restart();
            for (int k = 0; k < repeats; k++) ModelRelease.Release(ml.Model.Load(path, out _));
            double load = clock.Elapsed.TotalMilliseconds / repeats;
            output.WriteLine($"Verify of a saved model with {length:N0} ONNX bytes: {ms:F2} ms ({ms / (length / 1e6):F1} ms per MB); ml.Model.Load of it: {load:F2} ms");

            byte[] intact = File.ReadAllBytes(path);
            var random = new Random(18);
            for (int flip = 0; flip < 20; flip++)
            {
                File.WriteAllBytes(path, intact);
                int offset = random.Next(length), bit = random.Next(8);
                FlipBit(path, entry, offset, bit);
                var error = Assert.Throws<InvalidDataException>(() => LstmModelChecksum.Verify(path));
                Assert.Contains(path, error.Message);
                Assert.Contains(entry, error.Message);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Load_of_a_forecast_checkpoint_with_a_flipped_weight_bit_names_the_file()
    {
        var ml = new MLContext(seed: 1);
        var options = new LstmForecastingOptions { InputColumnName = "Value", WindowSize = 12, Horizon = 4, Network = { HiddenSize = 8 }, Epochs = 1, MinimumOptimizerSteps = 0, Seed = 1 };
        LstmForecastingTransformer model = ml.Forecasting.ForecastByLstm(options).Fit(ml.Data.LoadFromEnumerable(ForecastEngineTests.Points(120, 1)));
        LstmModelChecksum.VerifyOnnx(model.OnnxModel(), "the forecasting model");
        string path = TempPath(), inner = TempPath();
        try
        {
            using (var engine = model.CreateForecastEngine<ForecastEngineTests.Point, ForecastEngineTests.ForecastOutput>(ml)) engine.CheckPoint(path);
            using (LstmForecastEngine.Load<ForecastEngineTests.Point, ForecastEngineTests.ForecastOutput>(new MLContext(), path)) { }

            // Flip one bit in the middle of the ONNX bytes (the weights) of the checkpoint's model.zip.
            using (var zip = ZipFile.Open(path, ZipArchiveMode.Update))
            {
                ZipArchiveEntry modelEntry = zip.GetEntry("model.zip")!;
                using (Stream stream = modelEntry.Open())
                using (FileStream file = File.Create(inner)) stream.CopyTo(file);
                string entry = OnnxEntry(inner);
                FlipBit(inner, entry, OnnxLength(inner, entry) / 2, 3);
                modelEntry.Delete();
                using Stream replaced = zip.CreateEntry("model.zip").Open();
                replaced.Write(File.ReadAllBytes(inner));
            }
            var error = Assert.Throws<InvalidDataException>(() => LstmForecastEngine.Load<ForecastEngineTests.Point, ForecastEngineTests.ForecastOutput>(new MLContext(), path));
            Assert.Contains(path, error.Message);
            Assert.Contains("damaged", error.Message);
        }
        finally
        {
            File.Delete(path);
            File.Delete(inner);
        }
    }
}
