using System.Text.RegularExpressions;

namespace LstmMlNet.Tests.Infrastructure;

/// <summary>The README's program blocks are the compiled quickstart programs, character for character: a block preceded
/// by <c>&lt;!-- file: path --&gt;</c> must equal that file of the repository.</summary>
public sealed partial class ReadmeCodeBlockTests
{
    private static readonly string[] Programs =
    {
        "samples/Quickstart/Pipeline/Program.cs",
        "samples/Quickstart/Forecast/Program.cs",
        "samples/Quickstart/Comparison/Program.cs",
    };

    [Fact]
    public void Every_program_block_of_the_readme_equals_its_file()
    {
        string root = RepositoryRoot();
        var blocks = FileBlocks(Normalize(File.ReadAllText(Path.Combine(root, "README.md"))));
        Assert.Equal(Programs.Order(), blocks.Keys.Where(Programs.Contains).Order());
        foreach (var (path, block) in blocks)
        {
            string file = Path.Combine(root, path);
            Assert.True(File.Exists(file), $"README.md shows {path}, which does not exist.");
            string expected = Normalize(File.ReadAllText(file));
            Assert.True(expected == block, $"README.md's block for {path} differs from the file at line {FirstDifferentLine(expected, block)}: copy the file into the README.");
        }
    }

    [Fact]
    public void A_changed_block_is_found()
    {
        const string readme = "intro\n<!-- file: a/Program.cs -->\n```csharp\nint x = 1;\nConsole.WriteLine(x);\n```\ntext\n";
        var blocks = FileBlocks(readme);
        Assert.Equal("int x = 1;\nConsole.WriteLine(x);\n", blocks["a/Program.cs"]);
        Assert.Equal(2, FirstDifferentLine("int x = 1;\nConsole.WriteLine(x);\n", "int x = 1;\nConsole.WriteLine(y);\n"));
    }

    /// <summary>Path → block text (with its final newline) of every fenced csharp block right after a file marker.</summary>
    private static Dictionary<string, string> FileBlocks(string readme) =>
        FileBlock().Matches(readme).ToDictionary(m => m.Groups["path"].Value, m => m.Groups["code"].Value);

    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal);

    private static int FirstDifferentLine(string expected, string actual)
    {
        string[] a = expected.Split('\n'), b = actual.Split('\n');
        int i = 0;
        while (i < a.Length && i < b.Length && a[i] == b[i]) i++;
        return i + 1;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LstmMlNet.sln"))) return dir.FullName;
        }
        throw new DirectoryNotFoundException($"No LstmMlNet.sln above {AppContext.BaseDirectory}.");
    }

    [GeneratedRegex(@"^<!-- file: (?<path>\S+) -->\n```csharp\n(?<code>.*?\n)```$", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex FileBlock();
}
