using Xunit.Abstractions;

namespace LstmMlNet.Tests.Infrastructure;

/// <summary>The library's folder rules (docs/architecture.md), checked on the compiled assembly: no folder depends on itself
/// through others (no cycle between any two folders, a top folder and its children told apart, deeper ones counted as their ancestor), the task-free core and the ML.NET interop reference
/// neither feature, and the two features (<c>Sequences/</c>: the trainers; <c>Forecasting/</c>) do not reference each
/// other.</summary>
public sealed class FolderDependencyTests(ITestOutputHelper output)
{
    /// <summary>The depth at which folders are told apart: a top folder and its children (Core/Engine, Forecasting/Plan);
    /// deeper folders (Core/Engine/Cells) belong to their depth-2 ancestor.</summary>
    private const int Depth = 2;

    private static readonly string[] Features = { "Sequences", "Forecasting" };

    private static readonly string[] FeatureFree = { "Core", "Interop" };

    private static readonly Lazy<FolderDependencies> Library = new(() => new FolderDependencies(
        Path.Combine(RepositoryRoot(), "src", "LstmMlNet"),
        typeof(LstmForecastingEstimator).Assembly.Location,
        // The ONNX protobuf classes are generated from Core/Onnx/onnx.proto at build.
        new Dictionary<string, string> { ["LstmMlNet.Onnx.Protobuf"] = "Core/Onnx" }, Depth));

    [Fact]
    public void No_folder_cycle()
    {
        FolderDependencies graph = Library.Value;
        output.WriteLine(graph.Describe());
        List<string[]> cycles = graph.Cycles();
        Assert.True(cycles.Count == 0, "Folder cycles (each group depends on itself through the others):\n" +
            string.Join("\n", cycles.Select(c => string.Join(", ", c.Select(FolderDependencies.Show)) + "\n  " +
                string.Join("\n  ", c.SelectMany(from => graph.Edges.GetValueOrDefault(from, new SortedSet<string>()).Where(c.Contains)
                    .Select(to => $"{FolderDependencies.Show(from)} → {FolderDependencies.Show(to)}: {graph.Examples[(from, to)]}"))))));
    }

    [Fact]
    public void The_core_and_interop_reference_no_feature_and_the_features_not_each_other()
    {
        FolderDependencies graph = Library.Value;
        Assert.All(graph.Edges.Keys.Concat(graph.Edges.Values.SelectMany(v => v)), folder =>
            Assert.True(Top(folder) is "Core" or "Interop" or "Sequences" or "Forecasting",
                $"{FolderDependencies.Show(folder)} is outside the four top folders (Core, Interop, Sequences, Forecasting)."));
        var wrong = new List<string>();
        foreach (var (from, targets) in graph.Edges)
        {
            foreach (string to in targets)
            {
                string a = Top(from), b = Top(to);
                bool forbidden = (FeatureFree.Contains(a) && Features.Contains(b)) || (Features.Contains(a) && Features.Contains(b) && a != b);
                if (forbidden) wrong.Add($"{from} → {to}: {graph.Examples[(from, to)]}");
            }
        }
        Assert.True(wrong.Count == 0, "Forbidden references:\n" + string.Join("\n", wrong));
    }

    [Fact]
    public void A_cycle_is_found_and_named()
    {
        var graph = new FolderDependencies(Path.Combine(RepositoryRoot(), "src", "LstmMlNet"), typeof(LstmForecastingEstimator).Assembly.Location,
            new Dictionary<string, string> { ["LstmMlNet.Onnx.Protobuf"] = "Core/Onnx" }, Depth);
        var edges = (Dictionary<string, SortedSet<string>>)graph.Edges;
        edges.Clear();
        edges["A"] = new SortedSet<string> { "B" };
        edges["B"] = new SortedSet<string> { "C" };
        edges["C"] = new SortedSet<string> { "A" };
        edges["D"] = new SortedSet<string> { "A" };
        Assert.Equal(new[] { "A", "B", "C" }, Assert.Single(graph.Cycles()));
        edges["C"].Clear();
        Assert.Empty(graph.Cycles());
    }

    private static string Top(string folder) => folder.Split('/')[0];

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "LstmMlNet.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"No LstmMlNet.sln above {AppContext.BaseDirectory}.");
    }
}
