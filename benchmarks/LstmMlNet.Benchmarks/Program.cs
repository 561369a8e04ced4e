using BenchmarkDotNet.Running;
using LstmMlNet.Benchmarks;

if (args.Length > 0 && args[0] == "--profile-fit")
{
    if (args.FirstOrDefault(a => a.StartsWith("threads=", StringComparison.Ordinal)) is { } threads)
        TorchSharp.torch.set_num_threads(int.Parse(threads["threads=".Length..], System.Globalization.CultureInfo.InvariantCulture));
    FitPhaseProfile.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1, args.Contains("dense"));
    return;
}
if (args.Length > 0 && args[0] == "--scalar-soak")
{
    Environment.ExitCode = ScalarSoak.Run(args.Skip(1).ToArray());
    return;
}
if (args.Length > 0 && args[0] == "--layer-sweep")
{
    foreach (string shape in args.Skip(1)) CpuLayerSweep.Run(shape);
    return;
}
if (args.Length > 1 && args[0] == "--fit-scale")
{
    int Arg(int i, int fallback) => args.Length > i ? int.Parse(args[i], System.Globalization.CultureInfo.InvariantCulture) : fallback;
    FitScaleProbe.Run(Arg(1, 100_000), Arg(2, 2), Arg(3, 4096));
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
