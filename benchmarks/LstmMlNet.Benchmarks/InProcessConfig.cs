using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace LstmMlNet.Benchmarks;

/// <summary>In-process runs (no generated project, so libtorch is not copied again), few iterations:
/// each operation is tens of milliseconds. Ratios are taken against the baseline of the same run.</summary>
public sealed class InProcessConfig : ManualConfig
{
    public InProcessConfig()
    {
        AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(3).WithIterationCount(15).WithInvocationCount(4).WithUnrollFactor(1));
    }
}
