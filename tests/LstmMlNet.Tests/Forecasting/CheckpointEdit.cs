using System.IO.Compression;

namespace LstmMlNet.Tests.Forecasting;

/// <summary>Rewrites the state entry of a forecast-engine checkpoint, to make checkpoints of another version or with a
/// damaged state.</summary>
internal static class CheckpointEdit
{
    public static void RewriteState(string path, Func<string, string> edit)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Update);
        ZipArchiveEntry entry = zip.GetEntry("state.json")!;
        string json;
        using (var reader = new StreamReader(entry.Open())) json = reader.ReadToEnd();
        entry.Delete();
        using var writer = new StreamWriter(zip.CreateEntry("state.json").Open());
        writer.Write(edit(json));
    }
}
