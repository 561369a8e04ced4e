using System.Reflection;
using Microsoft.ML.Runtime;

namespace LstmMlNet.Interop;

/// <summary>The host environment behind an ML.NET catalog (trainers, forecasting): the one its MLContext logs to, seeds
/// from and keeps the device settings in. ML.NET keeps it in a non-public property of the catalog (an explicit
/// implementation of its internal <c>IInternalCatalog.Environment</c>), so it is read by reflection.</summary>
internal static class CatalogEnvironment
{
    /// <summary>The member this bridge reaches, as its error names it.</summary>
    public const string Member = "IInternalCatalog.Environment (a non-public IHostEnvironment property of the catalog)";

    /// <summary>The environment of <paramref name="catalog"/>, an MLContext's catalog or trainers catalog.</summary>
    /// <exception cref="InvalidOperationException">The catalog has no such property; the message names it.</exception>
    public static IHostEnvironment Of(object catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        for (Type? type = catalog.GetType(); type is not null; type = type.BaseType)
        {
            foreach (PropertyInfo property in type.GetProperties(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.DeclaredOnly))
            {
                if (property.Name.EndsWith("Environment", StringComparison.Ordinal) && property.GetIndexParameters().Length == 0
                    && property.GetValue(catalog) is IHostEnvironment environment) return environment;
            }
        }
        throw MlNetMemberMissing.Error($"{catalog.GetType().Name}.{Member}", "find the MLContext behind a catalog");
    }
}
