using System.Reflection;

namespace LstmMlNet.Tests.Infrastructure;

/// <summary>The public API of the three packages, member by member, against the approved list
/// (<c>PublicApi.approved.txt</c> beside this file): a change to the public surface is a visible diff in review, never a
/// side effect of moving code. To approve a deliberate change, copy the file the failure names over the approved one.</summary>
public sealed class PublicApiTests
{
    private static readonly Assembly[] Packages =
    {
        typeof(LstmForecastingEstimator).Assembly,
        typeof(global::LstmMlNet.Comparison.ComparisonResult).Assembly,
        typeof(global::LstmMlNet.Text.MiniLM.MiniLmTextEncoder).Assembly,
    };

    [Fact]
    public void The_public_api_equals_the_approved_list()
    {
        string approvedPath = Path.Combine(FolderDependencyTests.RepositoryRoot(), "tests", "LstmMlNet.Tests", "Infrastructure", "PublicApi.approved.txt");
        string[] actual = Packages.SelectMany(Describe).ToArray();
        string[] approved = File.Exists(approvedPath) ? File.ReadAllLines(approvedPath) : Array.Empty<string>();
        if (actual.SequenceEqual(approved)) return;
        string received = Path.ChangeExtension(approvedPath, null).Replace(".approved", ".received", StringComparison.Ordinal) + ".txt"; // git-ignored
        File.WriteAllLines(received, actual);
        var added = actual.Except(approved).Take(20);
        var removed = approved.Except(actual).Take(20);
        Assert.Fail($"The public API changed ({received} holds the new list).\nAdded:\n  {string.Join("\n  ", added)}\nRemoved:\n  {string.Join("\n  ", removed)}");
    }

    [Fact]
    public void The_listing_sees_members_and_their_signatures()
    {
        string[] lines = Describe(typeof(LstmForecastingEstimator).Assembly).ToArray();
        Assert.Contains("LstmMlNet.LstmForecastingEstimator : Microsoft.ML.IEstimator<LstmMlNet.LstmForecastingTransformer>", lines);
        Assert.Contains("LstmMlNet.LstmForecastingEstimator  method LstmMlNet.LstmForecastingTransformer Fit(Microsoft.ML.IDataView input)", lines);
        Assert.DoesNotContain(lines, l => l.Contains("ForecastLayout", StringComparison.Ordinal)); // internal
    }

    /// <summary>One line per public type (its base and interfaces) and per public or protected member (kind and signature),
    /// sorted.</summary>
    internal static IEnumerable<string> Describe(Assembly assembly)
    {
        var lines = new List<string>();
        foreach (Type type in assembly.GetExportedTypes())
        {
            string name = Name(type);
            var bases = new List<string>();
            if (type.BaseType is { } b && b != typeof(object) && b != typeof(ValueType) && b != typeof(Enum)) bases.Add(Name(b));
            bases.AddRange(type.GetInterfaces().Where(i => i.IsVisible).Select(Name).Order(StringComparer.Ordinal));
            lines.Add(name + (bases.Count > 0 ? " : " + string.Join(", ", bases) : string.Empty));
            const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            foreach (MemberInfo m in type.GetMembers(all))
            {
                string? line = m switch
                {
                    FieldInfo f when Visible(f.IsPublic, f.IsFamily || f.IsFamilyOrAssembly) =>
                        type.IsEnum ? (f.IsStatic ? $"value {f.Name} = {Convert.ToInt64(f.GetRawConstantValue())}" : null)
                        : $"field {(f.IsStatic ? "static " : string.Empty)}{(f.IsLiteral ? "const " : f.IsInitOnly ? "readonly " : string.Empty)}{Name(f.FieldType)} {f.Name}",
                    ConstructorInfo c when Visible(c.IsPublic, c.IsFamily || c.IsFamilyOrAssembly) => $"ctor({Parameters(c)})",
                    MethodInfo mi when Visible(mi.IsPublic, mi.IsFamily || mi.IsFamilyOrAssembly) && !mi.IsSpecialName =>
                        $"method {(mi.IsStatic ? "static " : string.Empty)}{(mi.IsAbstract ? "abstract " : mi.IsVirtual && !mi.IsFinal ? "virtual " : string.Empty)}{Name(mi.ReturnType)} {mi.Name}{Generic(mi)}({Parameters(mi)})",
                    PropertyInfo p when Accessors(p).Any() => $"property {Name(p.PropertyType)} {p.Name} {{ {string.Join(" ", Accessors(p))} }}",
                    EventInfo e when e.AddMethod is { } add && Visible(add.IsPublic, add.IsFamily) => $"event {Name(e.EventHandlerType!)} {e.Name}",
                    _ => null,
                };
                if (line is not null) lines.Add(name + "  " + line);
            }
        }
        return lines.Order(StringComparer.Ordinal);
    }

    private static bool Visible(bool isPublic, bool isProtected) => isPublic || isProtected;

    private static IEnumerable<string> Accessors(PropertyInfo p)
    {
        if (p.GetMethod is { } g && Visible(g.IsPublic, g.IsFamily || g.IsFamilyOrAssembly)) yield return "get;";
        if (p.SetMethod is { } s && Visible(s.IsPublic, s.IsFamily || s.IsFamilyOrAssembly))
            yield return s.ReturnParameter.GetRequiredCustomModifiers().Any(m => m.FullName == "System.Runtime.CompilerServices.IsExternalInit") ? "init;" : "set;";
    }

    private static string Generic(MethodInfo m) => m.IsGenericMethodDefinition ? "<" + string.Join(", ", m.GetGenericArguments().Select(a => a.Name)) + ">" : string.Empty;

    private static string Parameters(MethodBase m) => string.Join(", ", m.GetParameters().Select(p =>
        (p.IsOut ? "out " : p.ParameterType.IsByRef ? "ref " : string.Empty) + Name(p.ParameterType) + " " + p.Name + (p.HasDefaultValue ? " = " + (p.DefaultValue ?? "null") : string.Empty)));

    private static string Name(Type t)
    {
        if (t.IsByRef) return Name(t.GetElementType()!);
        if (t.IsArray) return Name(t.GetElementType()!) + "[" + new string(',', t.GetArrayRank() - 1) + "]";
        if (t.IsGenericParameter) return t.Name;
        if (Nullable.GetUnderlyingType(t) is { } u) return Name(u) + "?";
        string name = (t.IsNested ? Name(t.DeclaringType!) + "+" : t.Namespace + ".") + (t.Name.Contains('`') ? t.Name[..t.Name.IndexOf('`')] : t.Name);
        Type[] args = t.IsNested ? t.GetGenericArguments().Skip(t.DeclaringType!.GetGenericArguments().Length).ToArray() : t.GetGenericArguments();
        return args.Length == 0 ? name : name + "<" + string.Join(", ", args.Select(Name)) + ">";
    }
}
