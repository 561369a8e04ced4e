using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.ML;

namespace LstmMlNet.Onnx;

/// <summary>
/// The file a fitted model's OnnxTransformer reads its ONNX graph from, owned by this library so that nothing is left
/// behind. ML.NET's <c>ApplyOnnxModel</c> over a stream copies the bytes to a temporary file that nothing ever deletes
/// (its <c>OnnxModel.CreateFromStream</c> does not own the file: measured on ML.NET 6.0.0, every Fit left one file for
/// good, about 90 MB for a MiniLM classifier). Over a path, OnnxTransformer reads the file and keeps its name (saving the
/// model reads it again), so the file must live as long as the transformer.
/// <list type="bullet">
/// <item>On Linux the file is unlinked as soon as it is written and reached through this process's open descriptor
/// (<c>/proc/self/fd/N</c>): it has no name in the temp folder, and the system frees it when the descriptor closes —
/// on release (<see cref="ModelRelease"/>), when the transformer has been collected (a finaliser tied to it), or when the
/// process ends, however it ends.</item>
/// <item>Elsewhere it is a named file in the context's <see cref="MLContext.TempFilePath"/> (as ML.NET's own), deleted on
/// release, on collection, or by an exit handler.</item>
/// </list>
/// </summary>
internal sealed class OnnxModelFile
{
    private static readonly ConcurrentDictionary<string, byte> Live = new(StringComparer.Ordinal);
    private static readonly ConditionalWeakTable<object, OnnxModelFile> Owners = new();
    private const string OnnxTransformerType = "Microsoft.ML.Transforms.Onnx.OnnxTransformer";
    private readonly FileStream? descriptor;
    private int deleted;

    static OnnxModelFile()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (string path in Live.Keys) TryDelete(path);
        };
    }

    private OnnxModelFile(string path, FileStream? descriptor = null)
    {
        Path = path;
        this.descriptor = descriptor;
    }

    /// <summary>The file's full path.</summary>
    public string Path { get; }

    /// <summary>Writes <paramref name="bytes"/> to a new file in <paramref name="ml"/>'s temp folder (on Linux, unlinked
    /// at once and reached through its descriptor).</summary>
    public static OnnxModelFile Write(MLContext ml, byte[] bytes)
    {
        string folder = string.IsNullOrEmpty(ml.TempFilePath) ? System.IO.Path.GetTempPath() : ml.TempFilePath;
        string path = System.IO.Path.Combine(folder, $"lstmmlnet-{Guid.NewGuid():N}.onnx");
        if (OperatingSystem.IsLinux() && Directory.Exists("/proc/self/fd"))
        {
            var stream = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete);
            try
            {
                stream.Write(bytes);
                stream.Flush();
                File.Delete(path);
                return new OnnxModelFile($"/proc/self/fd/{stream.SafeFileHandle.DangerousGetHandle()}", stream);
            }
            catch
            {
                stream.Dispose();
                TryDelete(path);
                throw;
            }
        }
        File.WriteAllBytes(path, bytes);
        Live[path] = 0;
        return new OnnxModelFile(path);
    }

    /// <summary>Ties the file to the OnnxTransformers in <paramref name="fitted"/> that read it: it lives while they do.</summary>
    public void OwnedBy(ITransformer fitted)
    {
        foreach (object part in OnnxParts(fitted)) Owners.AddOrUpdate(part, this);
    }

    /// <summary>Deletes the file of <paramref name="transformer"/> (just disposed), if this library wrote it.</summary>
    public static void Released(object transformer)
    {
        if (Owners.TryGetValue(transformer, out OnnxModelFile? file))
        {
            Owners.Remove(transformer);
            file.Delete();
        }
    }

    ~OnnxModelFile() => Delete();

    private void Delete()
    {
        if (Interlocked.Exchange(ref deleted, 1) == 1) return;
        if (descriptor is not null) descriptor.Dispose(); // the unlinked file goes with its last descriptor
        else TryDelete(Path);
        GC.SuppressFinalize(this);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            return; // still open where the system forbids deleting open files; the exit handler tries again
        }
        catch (UnauthorizedAccessException)
        {
            return;
        }
        Live.TryRemove(path, out _);
    }

    private static IEnumerable<object> OnnxParts(ITransformer? model) => model switch
    {
        null => Enumerable.Empty<object>(),
        EngineSafeTransformer safe => OnnxParts(safe.Inner),
        IEnumerable<ITransformer> chain => chain.SelectMany(OnnxParts),
        _ when model.GetType().FullName == OnnxTransformerType => new object[] { model },
        _ => Enumerable.Empty<object>(),
    };
}
