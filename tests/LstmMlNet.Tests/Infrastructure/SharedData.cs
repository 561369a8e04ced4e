namespace LstmMlNet.Tests.Infrastructure;

/// <summary>Paths of the real datasets in ../shared/data (beside the repository root).</summary>
internal static class SharedData
{
    public static string Path(params string[] parts)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = System.IO.Path.Combine(new[] { dir.FullName, "shared", "data" }.Concat(parts).ToArray());
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"Could not find shared/data/{string.Join('/', parts)} above {AppContext.BaseDirectory}; CI puts ../shared beside the clone.");
    }
}
