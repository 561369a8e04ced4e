using System.Reflection;
using Microsoft.ML;

namespace LstmMlNet.Interop;

/// <summary>The error every reflection bridge into ML.NET's internals throws when the member it reaches is not there
/// (an ML.NET version other than the one this library is built against): it names the member and both versions.</summary>
internal static class MlNetMemberMissing
{
    /// <summary>The version of Microsoft.ML this library is built and tested against.</summary>
    public const string BuiltAgainst = "5.0.x";

    /// <summary>An <see cref="InvalidOperationException"/> naming <paramref name="member"/> (a type and member, as
    /// "SchemaShape.Column..ctor(String, VectorKind, DataViewType, Boolean, SchemaShape)") and what the bridge needs it for.</summary>
    public static InvalidOperationException Error(string member, string purpose) => new(
        $"Microsoft.ML {Version(typeof(MLContext).Assembly)} has no {member}, which LstmMlNet {Version(typeof(MlNetMemberMissing).Assembly)} " +
        $"uses to {purpose}; LstmMlNet is built against Microsoft.ML {BuiltAgainst}.");

    private static string Version(Assembly assembly) =>
        assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? assembly.GetName().Version?.ToString() ?? "?";
}
