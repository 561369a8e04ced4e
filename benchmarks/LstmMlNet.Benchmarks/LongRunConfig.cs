using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace LstmMlNet.Benchmarks;

/// <summary>In-process runs for operations of seconds (a whole Fit): one warm-up, five measured iterations of one
/// operation each.</summary>
public sealed class LongRunConfig : ManualConfig
{
    public LongRunConfig()
    {
        AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(1).WithIterationCount(5).WithInvocationCount(1).WithUnrollFactor(1));
    }
}
