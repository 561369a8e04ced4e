using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using TorchSharp;

namespace LstmMlNet.Engine;

/// <summary>
/// Checks, once per process and before TorchSharp's first native call, that libtorch can be loaded, and turns a failure
/// into an <see cref="InvalidOperationException"/> that names the cause and the fix. Without it a missing backend
/// package or an old system libstdc++ ends the process inside TorchSharp with a message that names neither.
/// </summary>
internal static partial class LibTorchLoadCheck
{
    /// <summary>The backend package users add; its version must equal TorchSharp's.</summary>
    internal const string BackendPackage = "TorchSharp-cpu";

    private static readonly Lazy<string?> Failure = new(Probe, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Returns when libtorch loads; throws <see cref="InvalidOperationException"/> describing why it does not.</summary>
    public static void EnsureLoadable()
    {
        if (Failure.Value is { } message) throw new InvalidOperationException(message);
    }

    /// <summary>TorchSharp's version as a package version, e.g. "0.107.0".</summary>
    internal static string TorchSharpVersion
    {
        get
        {
            Version? v = typeof(torch).Assembly.GetName().Version;
            return v is null ? "unknown" : $"{v.Major}.{v.Minor}.{Math.Max(v.Build, 0)}";
        }
    }

    /// <summary>Null when libtorch loads, otherwise the message to throw.</summary>
    private static string? Probe()
    {
        // The glue library first, resolved exactly as TorchSharp's DllImports resolve it (the app's deps.json native
        // assets): its dlopen error names the missing library or symbol version, which TorchSharp's own message does not.
        Assembly torchSharp = typeof(torch).Assembly;
        string? loader = null;
        if (!NativeLibrary.TryLoad("LibTorchSharp", torchSharp, null, out _))
        {
            try
            {
                NativeLibrary.Load("LibTorchSharp", torchSharp, null);
            }
            catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
            {
                loader = e.Message;
            }
            // TorchSharp's own fallback would copy the NuGet cache's (unpatched) libraries beside the app and fail the
            // same way on this libstdc++: say so at once.
            if (loader is not null && LibStdCxxVersion().IsMatch(loader)) return Describe(loader, TorchSharpVersion);
        }
        try
        {
            // Where the glue library did not load, TorchSharp may still find libtorch on its own (its fallback to the
            // native packages of the NuGet cache); only its failure is ours to explain.
            torch.InitializeDeviceType(DeviceType.CPU);
            return null;
        }
        catch (Exception e) when (e is NotSupportedException or DllNotFoundException or EntryPointNotFoundException or TypeInitializationException)
        {
            Exception innermost = e;
            while (innermost.InnerException is { } inner) innermost = inner;
            string torchSharpSays = innermost.Message.Split('\n', 2)[0].Trim();
            return Describe(loader is null ? torchSharpSays : $"{loader.Trim()}\nTorchSharp: {torchSharpSays}", TorchSharpVersion);
        }
    }

    /// <summary>The exception message for a loader message: the cause, the fix, then the loader's own words.</summary>
    /// <param name="loaderMessage">What the native loader (or TorchSharp) said.</param>
    /// <param name="torchSharpVersion">TorchSharp's package version, which the backend package must match.</param>
    internal static string Describe(string loaderMessage, string torchSharpVersion)
    {
        ArgumentNullException.ThrowIfNull(loaderMessage);
        string addBackend = $"add the native backend of the same version to the app: `dotnet add package {BackendPackage} --version {torchSharpVersion}` "
            + $"(or TorchSharp-cuda-linux / TorchSharp-cuda-windows {torchSharpVersion} for a GPU)";
        string cause, fix;
        Match version = LibStdCxxVersion().Match(loaderMessage);
        if (version.Success)
        {
            cause = $"the system's libstdc++ lacks {version.Value}, which TorchSharp's native library asks for (Debian 12 and Ubuntu 22.04 ship GCC 12's libstdc++).";
            fix = "build or publish the app with the LstmMlNet package referenced, which marks GLIBCXX_3.4.32 weak in the app's own copy of libLibTorchSharp.so "
                + "(buildTransitive/LstmMlNet.targets; a copy taken from another machine's build lacks it), or install a libstdc++ from GCC 13 or later.";
        }
        else if (loaderMessage.Contains("undefined symbol", StringComparison.Ordinal))
        {
            cause = $"the libtorch found does not match TorchSharp {torchSharpVersion} (an undefined symbol: another backend version is on the load path).";
            fix = $"reference exactly one TorchSharp backend package, of version {torchSharpVersion}: {addBackend}.";
        }
        else
        {
            cause = $"no libtorch for TorchSharp {torchSharpVersion} was found beside the app (TorchSharp itself carries only the managed code and its glue library).";
            fix = addBackend + ", then rebuild.";
        }
        return $"LstmMlNet cannot train: libtorch, the native library of TorchSharp {torchSharpVersion}, failed to load. Cause: {cause} Fix: {fix} "
            + $"The loader said: {loaderMessage.Trim()}";
    }

    [GeneratedRegex(@"(GLIBCXX|CXXABI)_[0-9][0-9.]*[0-9]")]
    private static partial Regex LibStdCxxVersion();
}
