using System.Text.RegularExpressions;

namespace LstmMlNet.Tests.Infrastructure;

/// <summary>The C# blocks of the README, CONTRIBUTING.md and the docs/ pages are compiled code, character for character: a
/// block preceded by <c>&lt;!-- file: path --&gt;</c> must equal that file of the repository (a program that builds with the
/// solution), one preceded by <c>&lt;!-- file: path#name --&gt;</c> the lines between <c>// &lt;name&gt;</c> and
/// <c>// &lt;/name&gt;</c> of that file, indentation removed (<see cref="DocSnippets"/>). A C# block without a marker fails.</summary>
public sealed partial class ReadmeCodeBlockTests
{
    /// <summary>The whole programs and the page that shows each.</summary>
    private static readonly (string Page, string Program)[] Programs =
    {
        ("README.md", "samples/Quickstart/Pipeline/Program.cs"),
        ("README.md", "samples/Quickstart/Forecast/Program.cs"),
        ("README.md", "samples/PretrainedText/Program.cs"),
        ("docs/comparison.md", "samples/Quickstart/Comparison/Program.cs"),
    };

    [Fact]
    public void Every_program_block_of_the_readme_equals_its_file()
    {
        string root = RepositoryRoot();
        var readme = FileBlocks(Normalize(File.ReadAllText(Path.Combine(root, "README.md"))));
        string[] expected = Programs.Where(p => p.Page == "README.md").Select(p => p.Program).Order().ToArray();
        Assert.Equal(expected, readme.Keys.Where(k => !k.Contains('#', StringComparison.Ordinal)).Order());
        CheckPage(root, "README.md");
    }

    [Fact]
    public void Every_code_block_of_the_docs_pages_equals_compiled_code()
    {
        string root = RepositoryRoot();
        string[] pages = DocPages(root);
        Assert.Contains("docs/serving.md", pages);
        foreach (string page in pages) CheckPage(root, page);
        foreach (var (page, program) in Programs)
            Assert.True(FileBlocks(Normalize(File.ReadAllText(Path.Combine(root, page)))).ContainsKey(program), $"{page} no longer shows {program}.");
    }

    [Fact]
    public void A_changed_block_is_found()
    {
        const string readme = "intro\n<!-- file: a/Program.cs -->\n```csharp\nint x = 1;\nConsole.WriteLine(x);\n```\ntext\n";
        var blocks = FileBlocks(readme);
        Assert.Equal("int x = 1;\nConsole.WriteLine(x);\n", blocks["a/Program.cs"]);
        Assert.Equal(2, FirstDifferentLine("int x = 1;\nConsole.WriteLine(x);\n", "int x = 1;\nConsole.WriteLine(y);\n"));
    }

    [Fact]
    public void A_region_is_cut_out_and_unindented_and_an_unmarked_block_is_counted()
    {
        const string file = "class C\n{\n    void M()\n    {\n        // <demo>\n        int x = 1;\n            x++;\n        // </demo>\n    }\n}\n";
        Assert.Equal("int x = 1;\n    x++;\n", Region(file, "demo", "C.cs"));
        const string page = "<!-- file: C.cs#demo -->\n```csharp\nint x = 1;\n```\n\n```csharp\nint y = 2;\n```\n";
        Assert.Equal(2, CSharpFence().Matches(page).Count);
        Assert.Single(FileBlocks(page));
    }

    /// <summary>README.md, CONTRIBUTING.md and every page under docs/, as paths relative to the root with '/'.</summary>
    private static string[] DocPages(string root)
    {
        var pages = new List<string> { "README.md" };
        if (File.Exists(Path.Combine(root, "CONTRIBUTING.md"))) pages.Add("CONTRIBUTING.md");
        string docs = Path.Combine(root, "docs");
        if (Directory.Exists(docs))
        {
            pages.AddRange(Directory.GetFiles(docs, "*.md", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/')).Order());
        }
        return pages.ToArray();
    }

    /// <summary>Every C# block of the page has a marker and equals the file or region it names.</summary>
    private static void CheckPage(string root, string page)
    {
        string text = Normalize(File.ReadAllText(Path.Combine(root, page)));
        var blocks = FileBlocks(text);
        int fences = CSharpFence().Matches(text).Count;
        Assert.True(fences == blocks.Count, $"{page} has {fences - blocks.Count} C# block(s) without a <!-- file: path --> or <!-- file: path#name --> marker: put the code in a compiled file and mark the block.");
        foreach (var (target, block) in blocks)
        {
            int hash = target.IndexOf('#', StringComparison.Ordinal);
            string path = hash < 0 ? target : target[..hash];
            string file = Path.Combine(root, path);
            Assert.True(File.Exists(file), $"{page} shows {path}, which does not exist.");
            string source = Normalize(File.ReadAllText(file));
            string expected = hash < 0 ? source : Region(source, target[(hash + 1)..], path);
            Assert.True(expected == block, $"{page}'s block for {target} differs from the code at line {FirstDifferentLine(expected, block)}: copy the code into {page}.");
        }
    }

    /// <summary>Path (or path#name) → block text (with its final newline) of every fenced csharp block right after a marker.</summary>
    private static Dictionary<string, string> FileBlocks(string page) =>
        FileBlock().Matches(page).ToDictionary(m => m.Groups["path"].Value, m => m.Groups["code"].Value);

    /// <summary>The lines between <c>// &lt;name&gt;</c> and <c>// &lt;/name&gt;</c>, less their common indentation.</summary>
    private static string Region(string source, string name, string path)
    {
        string[] lines = source.Split('\n');
        int start = Array.FindIndex(lines, l => l.Trim() == $"// <{name}>");
        int end = Array.FindIndex(lines, l => l.Trim() == $"// </{name}>");
        Assert.True(start >= 0 && end > start, $"{path} has no region // <{name}> … // </{name}>.");
        string[] region = lines[(start + 1)..end];
        int indent = region.Where(l => l.Trim().Length > 0).Select(l => l.Length - l.TrimStart(' ').Length).DefaultIfEmpty(0).Min();
        return string.Concat(region.Select(l => (l.Length >= indent ? l[indent..] : l.TrimStart(' ')) + "\n"));
    }

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

    [GeneratedRegex(@"^```(csharp|cs|c#)\s*$", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex CSharpFence();
}
