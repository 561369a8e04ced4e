using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace LstmMlNet.Tests.Infrastructure;

/// <summary>
/// The test process's own temp folder, and the check on the ONNX model files ML.NET leaves in it. ML.NET's OnnxTransformer
/// writes every ONNX model it loads from bytes (a fit's scoring chain, <c>ml.Model.Load</c>) to a file named by
/// <see cref="Path.GetRandomFileName"/> in the MLContext's temp path, deleted on Dispose or by a finalizer; finalizers do
/// not run at process exit. At load time of this assembly TMPDIR (TMP and TEMP on Windows) points this process — its
/// MLContexts and the processes it starts — at <c>$LSTMMLNET_TEST_TEMP/&lt;pid&gt;</c> (default
/// <c>&lt;temp&gt;/lstmmlnet-tests/&lt;pid&gt;</c>), so other runs on the machine do not mix in. At exit the files still
/// there are counted, the collector finalizes every model no longer reachable, the files left after that are counted
/// again, and both counts are written to <c>&lt;pid&gt;.txt</c> beside the folder; the folder is removed when empty. CI
/// (<c>.ci/run</c>) fails when an ONNX file is left.
/// </summary>
internal static partial class OnnxTempFiles
{
    /// <summary>This process's temp folder.</summary>
    public static string Folder { get; private set; } = "";

    [ModuleInitializer]
    internal static void Redirect()
    {
        string root = Environment.GetEnvironmentVariable("LSTMMLNET_TEST_TEMP") is { Length: > 0 } given
            ? given : Path.Combine(Path.GetTempPath(), "lstmmlnet-tests");
        Folder = Path.Combine(root, Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Directory.CreateDirectory(Folder);
        foreach (string variable in new[] { "TMPDIR", "TMP", "TEMP" }) Environment.SetEnvironmentVariable(variable, Folder);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => AtExit();
    }

    /// <summary>The ONNX model files left in <paramref name="folder"/>: ML.NET's (random 8.3 names) and the library's fitted
    /// models' (<c>lstmmlnet-&lt;guid&gt;.onnx</c>, deleted on release, collection or at exit by the library's own exit
    /// handler, which may run after this class's report), whose content starts as an ONNX ModelProto does (field 1,
    /// ir_version: byte 0x08).</summary>
    public static string[] Left(string? folder = null) =>
        Directory.Exists(folder ?? Folder)
            ? Directory.GetFiles(folder ?? Folder).Where(f => RandomName().IsMatch(Path.GetFileName(f)) && StartsAsOnnx(f)).Order(StringComparer.Ordinal).ToArray()
            : Array.Empty<string>();

    private static bool StartsAsOnnx(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            return stream.ReadByte() == 0x08;
        }
        catch (IOException)
        {
            return false; // deleted meanwhile
        }
    }

    private static void AtExit()
    {
        try
        {
            string[] before = Left();
            long bytes = before.Sum(f => new FileInfo(f).Length);
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            string[] after = Left();
            File.WriteAllText(Folder + ".txt", FormattableString.Invariant(
                $"ONNX temp files at exit: {before.Length} ({bytes / 1e6:F1} MB) before the final collection, {after.Length} after it\n") +
                string.Concat(after.Select(f => f + "\n")));
            if (Directory.Exists(Folder) && !Directory.EnumerateFileSystemEntries(Folder).Any()) Directory.Delete(Folder);
        }
        catch (IOException)
        {
            // the report is best effort; CI counts the files itself
        }
    }

    [GeneratedRegex(@"^([a-z0-9]{8}\.[a-z0-9]{3}|lstmmlnet-[0-9a-f]{32}\.onnx)$")]
    private static partial Regex RandomName();
}
