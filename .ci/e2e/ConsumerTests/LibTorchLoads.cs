using LstmMlNet.Engine;
using Xunit;

namespace ConsumerTests;

public sealed class LibTorchLoads
{
    [Fact]
    public void Libtorch_loads_in_a_consumers_test_run()
    {
        Assert.StartsWith("0.107", TorchRuntime.EnsureLoaded());
    }
}
