using Mono.Cecil;
using Mono.Cecil.Cil;

namespace LstmMlNet.Tests.Infrastructure;

/// <summary>
/// Reads compiled IL to find every place that hands libtorch a TorchSharp <c>Scalar</c> nothing keeps alive. A Scalar
/// frees its native value in its finaliser, so one made by an implicit conversion (<c>Scalar.op_Implicit</c>: a number
/// passed where a Scalar is expected, <c>t * 0.5</c>) or by <c>ToScalar()</c> as a call's argument can be freed by a
/// garbage collection while libtorch reads it. The IL shows what source does not: operators compile to calls, and
/// TorchSharp's own members make such temporaries inside (<c>a + b</c> passes <c>alpha = 1</c>, <c>square()</c> an
/// exponent 2, the optimisers' steps their betas). A TorchSharp member is a <em>maker</em> when its body calls
/// <c>op_Implicit</c>/<c>ToScalar</c>, calls a maker, or is a virtual member one of whose overrides is a maker
/// (<c>Optimizer.step</c> is, through <c>Adam.step</c>).
/// </summary>
internal sealed class ScalarLifetimeGuard
{
    /// <summary>A call in a scanned method that makes (or calls a TorchSharp member that makes) a temporary Scalar.</summary>
    public sealed record Finding(string Method, string Callee)
    {
        public override string ToString() => $"{Method} calls {Callee}";
    }

    private readonly HashSet<string> makers = new(StringComparer.Ordinal);

    public ScalarLifetimeGuard(string torchSharpPath)
    {
        using var torch = AssemblyDefinition.ReadAssembly(torchSharpPath, Parameters(torchSharpPath));
        MethodDefinition[] methods = torch.MainModule.GetTypes().SelectMany(t => t.Methods).ToArray();
        var callees = methods.Where(m => m.HasBody).ToDictionary(m => m.FullName, m => Calls(m).ToArray());
        foreach (var (method, calls) in callees)
            if (calls.Any(IsScalarMaking)) makers.Add(method);
        var byName = methods.ToDictionary(m => m.FullName);
        bool changed = true;
        while (changed)
        {
            changed = false;
            foreach (var (method, calls) in callees)
                if (!makers.Contains(method) && calls.Any(c => makers.Contains(Key(c)))) changed |= makers.Add(method);
            foreach (string maker in makers.ToArray())
            {
                if (!byName.TryGetValue(maker, out MethodDefinition? definition) || !definition.IsVirtual) continue;
                for (TypeDefinition? type = definition.DeclaringType.BaseType?.Resolve(); type is not null; type = type.BaseType?.Resolve())
                    foreach (MethodDefinition overridden in type.Methods.Where(b => b.IsVirtual && Signature(b) == Signature(definition)))
                        changed |= makers.Add(overridden.FullName);
            }
        }
    }

    /// <summary>The TorchSharp members (full Cecil names) that make a temporary Scalar.</summary>
    public IReadOnlySet<string> Makers => makers;

    /// <summary>Every call in <paramref name="assemblyPath"/>'s methods that makes a Scalar or calls a maker, except those
    /// <paramref name="allowed"/> accepts (caller, callee).</summary>
    public IReadOnlyList<Finding> Scan(string assemblyPath, Func<MethodDefinition, MethodReference, bool> allowed, Func<TypeDefinition, bool>? types = null)
    {
        using var assembly = AssemblyDefinition.ReadAssembly(assemblyPath, Parameters(assemblyPath));
        var findings = new List<Finding>();
        foreach (MethodDefinition method in assembly.MainModule.GetTypes().Where(t => types is null || types(t)).SelectMany(t => t.Methods).Where(m => m.HasBody))
            foreach (MethodReference call in Calls(method))
                if ((IsScalarMaking(call) || makers.Contains(Key(call))) && !allowed(method, call))
                    findings.Add(new Finding($"{method.DeclaringType.FullName}.{method.Name}", $"{call.DeclaringType.FullName}.{call.Name}({string.Join(", ", call.Parameters.Select(p => p.ParameterType.Name))})"));
        return findings;
    }

    /// <summary>A call that makes a Scalar from a number: an implicit conversion or <c>ToScalar</c>.</summary>
    public static bool IsScalarMaking(MethodReference call) =>
        (call.DeclaringType.FullName == "TorchSharp.Scalar" && call.Name == "op_Implicit")
        || (call.DeclaringType.FullName == "TorchSharp.ScalarExtensionMethods" && call.Name == "ToScalar");

    /// <summary>Whether <paramref name="method"/> boxes a number of a type TorchSharp turns into a Scalar when it is
    /// passed in an <c>object[]</c> (TorchScript arguments: float, double, long).</summary>
    public static bool BoxesScalarNumbers(MethodDefinition method) =>
        method.Body.Instructions.Any(i => i.OpCode == OpCodes.Box && i.Operand is TypeReference t
            && t.FullName is "System.Single" or "System.Double" or "System.Int64");

    private static IEnumerable<MethodReference> Calls(MethodDefinition method) =>
        method.Body.Instructions
            .Where(i => i.OpCode == OpCodes.Call || i.OpCode == OpCodes.Callvirt || i.OpCode == OpCodes.Newobj || i.OpCode == OpCodes.Ldftn || i.OpCode == OpCodes.Ldvirtftn)
            .Select(i => i.Operand).OfType<MethodReference>();

    private static string Key(MethodReference call)
    {
        MethodReference element = call is GenericInstanceMethod generic ? generic.ElementMethod : call;
        try
        {
            return element.Resolve()?.FullName ?? element.FullName;
        }
        catch (AssemblyResolutionException)
        {
            return element.FullName;
        }
    }

    private static string Signature(MethodDefinition m) => m.Name + "(" + string.Join(",", m.Parameters.Select(p => p.ParameterType.FullName)) + ")";

    private static ReaderParameters Parameters(string path)
    {
        var resolver = new DefaultAssemblyResolver();
        resolver.AddSearchDirectory(Path.GetDirectoryName(path)!);
        resolver.AddSearchDirectory(AppContext.BaseDirectory);
        return new ReaderParameters { AssemblyResolver = resolver };
    }
}
