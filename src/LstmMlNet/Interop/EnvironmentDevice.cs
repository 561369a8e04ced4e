using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Runtime;

namespace LstmMlNet.Interop;

/// <summary>The device settings (<see cref="MLContext.GpuDeviceId"/>, <see cref="MLContext.FallbackToCpu"/>) of the host
/// environment behind an MLContext's catalogs. The catalogs hold ML.NET's own environment, not the MLContext, and ML.NET
/// exposes the two settings there only through its internal <c>IHostEnvironmentInternal</c>, so they are read by
/// reflection (public or not, on the environment's type or a base type).</summary>
internal static class EnvironmentDevice
{
    /// <summary>The members this bridge reaches, as its error names them.</summary>
    public const string GpuMember = "IHostEnvironmentInternal.GpuDeviceId", FallbackMember = "IHostEnvironmentInternal.FallbackToCpu";

    /// <summary>The GPU device id (null: none asked for) and the CPU-fallback flag of <paramref name="environment"/>.</summary>
    /// <exception cref="InvalidOperationException">The environment has no such property; the message names it.</exception>
    public static (int? GpuDeviceId, bool FallbackToCpu) Of(IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (environment is MLContext context) return (context.GpuDeviceId, context.FallbackToCpu);
        return ((int?)Property(environment, "GpuDeviceId", typeof(int?), GpuMember).GetValue(environment),
            (bool)Property(environment, "FallbackToCpu", typeof(bool), FallbackMember).GetValue(environment)!);
    }

    private static PropertyInfo Property(IHostEnvironment environment, string name, Type type, string member)
    {
        const BindingFlags flags = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;
        for (Type? t = environment.GetType(); t is not null; t = t.BaseType)
        {
            foreach (PropertyInfo property in t.GetProperties(flags | BindingFlags.DeclaredOnly))
            {
                // Public on ML.NET's environments; an explicit implementation would be named "...IHostEnvironmentInternal.GpuDeviceId".
                if ((property.Name == name || property.Name.EndsWith("." + name, StringComparison.Ordinal)) && property.PropertyType == type
                    && property.GetIndexParameters().Length == 0) return property;
            }
        }
        throw MlNetMemberMissing.Error($"{member} on {environment.GetType().Name}", "read the MLContext's device settings");
    }
}
