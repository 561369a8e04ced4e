using System.Text.RegularExpressions;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace LstmMlNet.Tests.Infrastructure;

/// <summary>
/// The dependencies between the source folders of a project, read from its compiled IL: each type belongs to the folder of
/// the file that declares it (read from the sources: the type declarations of every <c>.cs</c> file), and a type depends
/// on every type of the same assembly that its base types, fields, signatures and method bodies name. An edge between two
/// folders means some type of the first names some type of the second. What IL does not show is not seen: a
/// <c>const</c> read elsewhere is inlined and <c>nameof</c>/doc references are text only.
/// </summary>
internal sealed partial class FolderDependencies
{
    /// <summary>Folder (relative to the project directory, '/'-separated, "" for the root) → the folders it depends on.</summary>
    public IReadOnlyDictionary<string, SortedSet<string>> Edges => edges;

    /// <summary>For each edge "from → to", one example: the depending type and the type it names.</summary>
    public IReadOnlyDictionary<(string From, string To), string> Examples => examples;

    private readonly Dictionary<string, SortedSet<string>> edges = new(StringComparer.Ordinal);
    private readonly Dictionary<(string, string), string> examples = new();

    /// <param name="projectDirectory">The project's directory (its .cs files, bin/ and obj/ excluded).</param>
    /// <param name="assemblyPath">The compiled assembly.</param>
    /// <param name="folderOfNamespace">Folders of types that have no source file (generated code), by namespace.</param>
    /// <param name="depth">Folders deeper than this count as their ancestor at this depth (2: Core/Engine/Cells is
    /// Core/Engine).</param>
    public FolderDependencies(string projectDirectory, string assemblyPath, IReadOnlyDictionary<string, string> folderOfNamespace, int depth)
    {
        Dictionary<string, string> folderOf = TypeFolders(projectDirectory).ToDictionary(p => p.Key, p => Truncate(p.Value, depth), StringComparer.Ordinal);
        using var assembly = AssemblyDefinition.ReadAssembly(assemblyPath);
        ModuleDefinition module = assembly.MainModule;
        string? Place(TypeReference type)
        {
            while (type.DeclaringType is not null) type = type.DeclaringType;
            if (type.Name.StartsWith('<')) return null; // compiler-generated (<PrivateImplementationDetails>, <Module>)
            string name = Simple(type.Name);
            if (folderOf.TryGetValue(type.Namespace + "." + name, out string? folder)) return folder;
            if (folderOfNamespace.TryGetValue(type.Namespace, out folder)) return Truncate(folder, depth);
            throw new InvalidOperationException($"No source file declares {type.FullName} and its namespace has no folder.");
        }
        foreach (TypeDefinition type in module.GetTypes())
        {
            string? from = Place(type);
            if (from is null) continue;
            foreach (TypeReference used in Uses(type))
            {
                if (!IsInModule(used, module)) continue;
                string? to = Place(used);
                if (to is null || to == from) continue;
                if (!edges.TryGetValue(from, out var set)) edges[from] = set = new SortedSet<string>(StringComparer.Ordinal);
                if (set.Add(to)) examples[(from, to)] = $"{type.FullName} uses {used.FullName}";
            }
        }
    }

    /// <summary>The strongly connected groups of more than one folder (each a cycle), as sorted folder lists.</summary>
    public List<string[]> Cycles()
    {
        // Tarjan's algorithm over the folder graph.
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var low = new Dictionary<string, int>(StringComparer.Ordinal);
        var onStack = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        var cycles = new List<string[]>();
        int next = 0;
        void Visit(string v)
        {
            index[v] = low[v] = next++;
            stack.Push(v);
            onStack.Add(v);
            foreach (string w in edges.GetValueOrDefault(v) ?? new SortedSet<string>())
            {
                if (!index.ContainsKey(w))
                {
                    Visit(w);
                    low[v] = Math.Min(low[v], low[w]);
                }
                else if (onStack.Contains(w))
                {
                    low[v] = Math.Min(low[v], index[w]);
                }
            }
            if (low[v] != index[v]) return;
            var group = new List<string>();
            string x;
            do
            {
                x = stack.Pop();
                onStack.Remove(x);
                group.Add(x);
            }
            while (x != v);
            if (group.Count > 1) cycles.Add(group.Order(StringComparer.Ordinal).ToArray());
        }
        foreach (string v in edges.Keys.Order(StringComparer.Ordinal))
            if (!index.ContainsKey(v)) Visit(v);
        return cycles;
    }

    /// <summary>Every edge as "from → to (example)", sorted: the graph in words, for a failure message.</summary>
    public string Describe() => string.Join("\n", edges.OrderBy(e => e.Key, StringComparer.Ordinal)
        .SelectMany(e => e.Value.Select(to => $"{Show(e.Key)} → {Show(to)}   ({examples[(e.Key, to)]})")));

    private static string Truncate(string folder, int depth) => string.Join('/', folder.Split('/').Take(depth));

    public static string Show(string folder) => folder.Length == 0 ? "(root)" : folder;

    /// <summary>Namespace-qualified type name → folder, from the declarations in the project's source files.</summary>
    private static Dictionary<string, string> TypeFolders(string projectDirectory)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string file in Directory.EnumerateFiles(projectDirectory, "*.cs", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(projectDirectory, file).Replace('\\', '/');
            if (relative.StartsWith("bin/", StringComparison.Ordinal) || relative.StartsWith("obj/", StringComparison.Ordinal)) continue;
            string folder = relative.Contains('/') ? relative[..relative.LastIndexOf('/')] : string.Empty;
            string text = StripComments(File.ReadAllText(file));
            string ns = Namespace().Match(text) is { Success: true } m ? m.Groups[1].Value : string.Empty;
            // Top-level declarations only: nested types belong to their outer type's file anyway.
            foreach (Match d in Declaration().Matches(text))
            {
                string key = ns + "." + d.Groups[1].Value;
                if (result.TryGetValue(key, out string? other) && other != folder)
                    throw new InvalidOperationException($"{key} is declared in two folders: {Show(other)} and {Show(folder)}.");
                result[key] = folder;
            }
        }
        return result;
    }

    private static string StripComments(string text) => Comments().Replace(text, string.Empty);

    private static string Simple(string name) => name.Contains('`') ? name[..name.IndexOf('`')] : name;

    private static bool IsInModule(TypeReference type, ModuleDefinition module) =>
        type is TypeDefinition definition ? definition.Module == module : type.Scope == module || type.Scope?.Name == module.Name || type.Scope == module.Assembly.Name;

    /// <summary>The types a type names: its base and interfaces, fields, properties, events, method signatures, locals,
    /// and the types, members and fields its method bodies refer to (generic arguments and element types unwrapped).</summary>
    private static IEnumerable<TypeReference> Uses(TypeDefinition type)
    {
        var found = new List<TypeReference>();
        void Add(TypeReference? t)
        {
            if (t is null) return;
            switch (t)
            {
                case GenericInstanceType g:
                    Add(g.ElementType);
                    foreach (TypeReference a in g.GenericArguments) Add(a);
                    return;
                case TypeSpecification s:
                    Add(s.ElementType);
                    return;
                case GenericParameter:
                    return;
                default:
                    found.Add(t);
                    return;
            }
        }
        void AddMethod(MethodReference m)
        {
            Add(m.DeclaringType);
            Add(m.ReturnType);
            foreach (ParameterDefinition p in m.Parameters) Add(p.ParameterType);
            if (m is GenericInstanceMethod gm) foreach (TypeReference a in gm.GenericArguments) Add(a);
        }
        Add(type.BaseType);
        foreach (InterfaceImplementation i in type.Interfaces) Add(i.InterfaceType);
        foreach (FieldDefinition f in type.Fields) Add(f.FieldType);
        foreach (PropertyDefinition p in type.Properties) Add(p.PropertyType);
        foreach (EventDefinition e in type.Events) Add(e.EventType);
        foreach (MethodDefinition m in type.Methods)
        {
            AddMethod(m);
            if (!m.HasBody) continue;
            foreach (VariableDefinition v in m.Body.Variables) Add(v.VariableType);
            foreach (Instruction i in m.Body.Instructions)
            {
                switch (i.Operand)
                {
                    case TypeReference t: Add(t); break;
                    case MethodReference mr: AddMethod(mr); break;
                    case FieldReference fr: Add(fr.DeclaringType); Add(fr.FieldType); break;
                }
            }
        }
        return found;
    }

    [GeneratedRegex(@"^\s*namespace\s+([\w.]+)\s*;", RegexOptions.Multiline)]
    private static partial Regex Namespace();

    /// <summary>A type declaration at the start of a line (top level: no indentation, as file-scoped namespaces have).</summary>
    [GeneratedRegex(@"^(?:(?:public|internal|sealed|static|abstract|partial|readonly|file|unsafe|ref|record)\s+)*(?:class|struct|interface|enum|record(?:\s+(?:class|struct))?)\s+(\w+)", RegexOptions.Multiline)]
    private static partial Regex Declaration();

    [GeneratedRegex(@"//[^\n]*|/\*.*?\*/", RegexOptions.Singleline)]
    private static partial Regex Comments();
}
