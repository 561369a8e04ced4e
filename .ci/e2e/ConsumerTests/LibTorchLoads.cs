using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace ConsumerTests;

public sealed class LibTorchLoads
{
    [Fact]
    public void Libtorch_loads_in_a_consumers_test_run()
    {
        // The package's buildTransitive step must leave a loadable libtorch in this test project's output folder:
        // a native computation proves it (TorchRuntime, which used to be called here, is internal to LstmMlNet).
        Assert.StartsWith("0.107", typeof(torch).Assembly.GetName().Version?.ToString());
        using var sum = ones(1) + 1;
        Assert.Equal(2f, sum.item<float>());
    }
}
