using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace LstmMlNet.Benchmarks;

/// <summary>In-process runs (no generated project, so libtorch is not copied again) with the given counts.
/// Ratios are taken against the baseline of the same run.</summary>
public abstract class InProcessRunConfig : ManualConfig
{
    protected InProcessRunConfig(int warmups, int iterations, int invocations) =>
        AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(warmups).WithIterationCount(iterations)
            .WithInvocationCount(invocations).WithUnrollFactor(1));
}

/// <summary>For operations of tens of milliseconds: 3 warm-ups, 15 measured iterations of 4 operations.</summary>
public sealed class InProcessConfig() : InProcessRunConfig(3, 15, 4);
