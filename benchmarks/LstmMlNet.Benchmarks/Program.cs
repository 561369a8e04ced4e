using BenchmarkDotNet.Running;
using LstmMlNet.Benchmarks;
using LstmMlNet.Engine;

// The C allocator settings every Fit applies (LSTMMLNET_MALLOC_TUNING=0 turns them off), applied first so that the
// hand-written libtorch baselines run under the same allocator as the library's paths in the same process.
Console.WriteLine($"C allocator settings (NativeAllocatorSettings): {(NativeAllocatorSettings.EnsureApplied() ? "in effect" : "not in effect")}");

if (args.Length > 0 && args[0] == "--profile-fit")
{
    if (args.FirstOrDefault(a => a.StartsWith("threads=", StringComparison.Ordinal)) is { } threads)
        TorchSharp.torch.set_num_threads(int.Parse(threads["threads=".Length..], System.Globalization.CultureInfo.InvariantCulture));
    FitPhaseProfile.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1, args.Contains("dense"));
    return;
}
if (args.Length > 0 && args[0] == "--layer-sweep")
{
    foreach (string shape in args.Skip(1)) CpuLayerSweep.Run(shape);
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
