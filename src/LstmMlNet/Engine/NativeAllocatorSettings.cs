using System.Runtime.InteropServices;

namespace LstmMlNet.Engine;

/// <summary>
/// The C allocator settings a training process runs with on Linux (glibc): large blocks come from the heap instead of
/// fresh <c>mmap</c> mappings (<c>M_MMAP_MAX</c> 0), and freed memory up to 1 GiB at the top of a heap stays with the
/// process (<c>M_TRIM_THRESHOLD</c> 2³⁰ bytes) instead of going back to the kernel. libtorch allocates every tensor through
/// <c>malloc</c>; with glibc's defaults a block above the mmap threshold (at most 32 MiB, e.g. oneDNN's LSTM workspace
/// of a training batch) is a new mapping whose pages fault in one by one on every step, which made libtorch's CPU LSTM
/// training step about twice as slow as with these settings (benchmarks/README.md, "The C allocator"). Applied once,
/// process-wide, by the first Fit or device selection (<see cref="TorchRuntime"/>); the cost is that a process keeps
/// the memory it freed (up to its peak, returned above 1 GiB of free top) — what PyTorch users get from jemalloc or
/// tcmalloc. Set the environment variable <see cref="OptOutVariable"/> to <c>0</c> (or <c>off</c>, <c>false</c>) before the
/// first Fit to leave the allocator as it is. Elsewhere (Windows, macOS, musl) nothing is changed.
/// </summary>
internal static class NativeAllocatorSettings
{
    /// <summary>The environment variable that turns the settings off: <c>LSTMMLNET_MALLOC_TUNING=0</c>.</summary>
    public const string OptOutVariable = "LSTMMLNET_MALLOC_TUNING";

    /// <summary>glibc's <c>M_TRIM_THRESHOLD</c> parameter number (malloc.h).</summary>
    private const int TrimThreshold = -1;

    /// <summary>glibc's <c>M_MMAP_MAX</c> parameter number (malloc.h).</summary>
    private const int MmapMax = -4;

    /// <summary>Freed memory kept at the top of a heap before it goes back to the kernel: 1 GiB.</summary>
    public const int KeptBytes = 1 << 30;

    private static readonly Lazy<bool> Applied = new(Apply, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Applies the settings if this process has not yet (thread-safe, once); true when they are in effect.</summary>
    public static bool EnsureApplied() => Applied.Value;

    /// <summary>Whether the settings are in effect (false before the first <see cref="EnsureApplied"/>).</summary>
    public static bool Active => Applied.IsValueCreated && Applied.Value;

    /// <summary>Whether a value of <see cref="OptOutVariable"/> turns the settings off.</summary>
    public static bool IsOptOut(string? value) =>
        value is not null && (value.Trim() is "0" || value.Trim().Equals("off", StringComparison.OrdinalIgnoreCase) || value.Trim().Equals("false", StringComparison.OrdinalIgnoreCase));

    private static bool Apply()
    {
        if (!OperatingSystem.IsLinux() || IsOptOut(Environment.GetEnvironmentVariable(OptOutVariable))) return false;
        try
        {
            // mallopt returns 1 on success; glibc is the only C library whose parameters these are (libc.so.6).
            return mallopt(MmapMax, 0) == 1 && mallopt(TrimThreshold, KeptBytes) == 1;
        }
        catch (DllNotFoundException)
        {
            return false;
        }
        catch (EntryPointNotFoundException)
        {
            return false;
        }
    }

    [DllImport("libc.so.6", EntryPoint = "mallopt")]
    private static extern int mallopt(int parameter, int value);
}
