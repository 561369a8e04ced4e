using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.ML;

namespace LstmMlNet.Interop;

/// <summary>The error every reflection bridge into ML.NET's internals throws when the member it reaches is not there
/// (an ML.NET version outside the range this library supports): it names the member, the ML.NET version loaded and the
/// supported range.</summary>
internal static partial class MlNetMemberMissing
{
    /// <summary>The Microsoft.ML versions this library supports, as its package's dependency states them (a NuGet range,
    /// "[5.0.1, 7.0.0)"): MlNetSupportedVersions of Directory.Packages.props, compiled into the assembly's metadata.</summary>
    public static string SupportedVersions { get; } =
        typeof(MlNetMemberMissing).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(a => a.Key == "MlNetSupportedVersions")?.Value ?? "?";

    /// <summary>An <see cref="InvalidOperationException"/> naming <paramref name="member"/> (a type and member, as
    /// "SchemaShape.Column..ctor(String, VectorKind, DataViewType, Boolean, SchemaShape)") and what the bridge needs it for.</summary>
    public static InvalidOperationException Error(string member, string purpose) => new(
        $"Microsoft.ML {Version(typeof(MLContext).Assembly)} has no {member}, which LstmMlNet {Version(typeof(MlNetMemberMissing).Assembly)} " +
        $"uses to {purpose}; LstmMlNet supports Microsoft.ML {Describe(SupportedVersions)}.");

    /// <summary>A NuGet range in words: "[5.0.1, 7.0.0)" is "5.0.1 or later, below 7.0.0"; any other form as written.</summary>
    internal static string Describe(string range)
    {
        Match m = Range().Match(range);
        if (!m.Success) return range;
        string low = m.Groups["low"].Value, high = m.Groups["high"].Value;
        string from = low.Length == 0 ? "" : m.Groups["open"].Value == "[" ? $"{low} or later" : $"later than {low}";
        string to = high.Length == 0 ? "" : m.Groups["close"].Value == "]" ? $"up to {high}" : $"below {high}";
        return string.Join(", ", new[] { from, to }.Where(p => p.Length > 0));
    }

    [GeneratedRegex(@"^(?<open>[\[(])\s*(?<low>[^,\s]*)\s*,\s*(?<high>[^\])\s]*)\s*(?<close>[\])])$")]
    private static partial Regex Range();

    private static string Version(Assembly assembly) =>
        assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? assembly.GetName().Version?.ToString() ?? "?";
}
