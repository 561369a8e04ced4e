using LstmMlNet.Interop;
using Microsoft.ML;
using TorchSharp;
using static TorchSharp.torch;

namespace LstmMlNet.Engine;

/// <summary>Facts about the loaded libtorch and the device training runs on (internal: the trainers and the forecaster
/// select their device through it from the MLContext behind their catalog).</summary>
internal static class TorchRuntime
{
    /// <summary>Loads libtorch if needed and returns its version string as TorchSharp reports it
    /// (e.g. "0.107.0"), proving the native library is usable.</summary>
    /// <exception cref="InvalidOperationException">libtorch cannot be loaded; the message names the cause (no backend
    /// package, a mismatched version, an old system libstdc++), the fix and the native loader's own message.</exception>
    public static string EnsureLoaded()
    {
        LibTorchLoadCheck.EnsureLoadable();
        using var probe = ones(1).Plus(1.0); // forces the native backend to load
        if (probe.item<float>() != 2f) throw new InvalidOperationException("libtorch loaded but computed a wrong result.");
        return typeof(torch).Assembly.GetName().Version?.ToString() ?? "unknown";
    }

    /// <summary>The device for an <see cref="MLContext"/>: CUDA device <see cref="MLContext.GpuDeviceId"/> when set and
    /// available; the CPU when it is not set, or when CUDA is unavailable and <see cref="MLContext.FallbackToCpu"/> is true.</summary>
    /// <exception cref="InvalidOperationException">A GPU was asked for, none is available, and fallback is off; or libtorch
    /// cannot be loaded (see <see cref="EnsureLoaded"/>).</exception>
    public static Device SelectDevice(MLContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return SelectDevice(context.GpuDeviceId, context.FallbackToCpu);
    }

    /// <summary>As <see cref="SelectDevice(MLContext)"/>, for the host environment behind an MLContext's catalogs
    /// (its GpuDeviceId and FallbackToCpu settings are read from the environment by <see cref="EnvironmentDevice"/>).</summary>
    internal static Device SelectDevice(Microsoft.ML.Runtime.IHostEnvironment environment)
    {
        var (gpu, fallback) = EnvironmentDevice.Of(environment);
        return SelectDevice(gpu, fallback);
    }

    private static Device SelectDevice(int? gpuDeviceId, bool fallbackToCpu)
    {
        LibTorchLoadCheck.EnsureLoadable(); // the first native call of every Fit comes after this
        if (gpuDeviceId is not { } id) return CPU;
        if (cuda.is_available() && id < cuda.device_count()) return new Device(DeviceType.CUDA, id);
        if (fallbackToCpu) return CPU;
        throw new InvalidOperationException(
            $"MLContext.GpuDeviceId is {id} but no such CUDA device is available to TorchSharp (reference a TorchSharp CUDA package), and FallbackToCpu is false.");
    }
}
