using LstmMlNet.Engine;
using TorchSharp;
using static TorchSharp.torch;

namespace LstmMlNet.Tests.Infrastructure;

public sealed class LibTorchTests
{
    [Fact]
    public void Libtorch_native_library_loads_and_computes()
    {
        string version = TorchRuntime.EnsureLoaded();
        Assert.StartsWith("0.107", version);
        // A real native computation with autograd, not just a managed call.
        using var x = tensor(new[] { 1.0, 2.0, 3.0 }, requires_grad: true);
        using var y = (x * x).sum();
        y.backward();
        Assert.Equal(new[] { 2.0, 4.0, 6.0 }, x.grad!.data<double>().ToArray());
    }

    [Fact]
    public void Cpu_is_selected_when_no_gpu_is_requested_and_a_missing_gpu_is_a_clear_error()
    {
        var ml = new Microsoft.ML.MLContext(seed: 1);
        Assert.Equal(DeviceType.CPU, TorchRuntime.SelectDevice(ml).type);
        // A device id no machine has, so the test means the same with or without CUDA.
        const int Missing = 999;
        Assert.True(cuda.device_count() <= Missing);
        ml.GpuDeviceId = Missing;
        ml.FallbackToCpu = true;
        Assert.Equal(DeviceType.CPU, TorchRuntime.SelectDevice(ml).type);
        ml.FallbackToCpu = false;
        var ex = Assert.Throws<InvalidOperationException>(() => TorchRuntime.SelectDevice(ml));
        Assert.Equal("MLContext.GpuDeviceId is 999 but no such CUDA device is available to TorchSharp (reference a TorchSharp CUDA package), and FallbackToCpu is false.", ex.Message);
    }
}
