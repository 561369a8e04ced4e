using System.Reflection;

namespace LstmMlNet.Text;

/// <summary>
/// Where each <see cref="PretrainedTextEncoder"/> lives: the package that holds it, its implementation's
/// assembly-qualified type name (looked up at Fit, so no registration call is needed and apps that do not use it need
/// not reference its package), and the limits <see cref="LstmTrainerOptions.Validate"/> checks without loading it.
/// </summary>
internal static class PretrainedEncoders
{
    /// <summary>The package of <see cref="PretrainedTextEncoder.MiniLM"/>.</summary>
    public const string MiniLmPackage = "LstmMlNet.Text.MiniLM";

    /// <summary>The implementation of <see cref="PretrainedTextEncoder.MiniLM"/>, assembly-qualified.</summary>
    public const string MiniLmTypeName = "LstmMlNet.Text.MiniLM.MiniLmTextEncoder, LstmMlNet.Text.MiniLM";

    /// <summary>Width of all-MiniLM-L6-v2's token vectors.</summary>
    public const int MiniLmDimensions = 384;

    /// <summary>Most positions all-MiniLM-L6-v2 has embeddings for, [CLS] and [SEP] included.</summary>
    public const int MiniLmMaxPositions = 512;

    /// <summary>Width of <paramref name="encoder"/>'s frames.</summary>
    public static int Dimensions(PretrainedTextEncoder encoder) => encoder switch
    {
        PretrainedTextEncoder.MiniLM => MiniLmDimensions,
        _ => throw NotAnEncoder(encoder),
    };

    /// <summary>Most tokens a row <paramref name="encoder"/> reads, its special tokens included.</summary>
    public static int MaxPositions(PretrainedTextEncoder encoder) => encoder switch
    {
        PretrainedTextEncoder.MiniLM => MiniLmMaxPositions,
        _ => throw NotAnEncoder(encoder),
    };

    /// <summary>The implementation of <paramref name="encoder"/>, from its package's assembly.</summary>
    /// <exception cref="InvalidOperationException">The app does not reference the encoder's package (the message says
    /// which package to add).</exception>
    public static IPretrainedTextEncoder Find(PretrainedTextEncoder encoder) => encoder switch
    {
        PretrainedTextEncoder.MiniLM => Find(encoder, MiniLmTypeName, MiniLmPackage),
        _ => throw NotAnEncoder(encoder),
    };

    /// <summary>Whether <paramref name="encoder"/>'s package is there for <see cref="Find(PretrainedTextEncoder)"/>: its
    /// implementation's type loads and is an encoder of this library. False for <see cref="PretrainedTextEncoder.None"/>.
    /// Never throws (the comparison asks it to decide which candidates to offer).</summary>
    public static bool IsAvailable(PretrainedTextEncoder encoder) => encoder switch
    {
        PretrainedTextEncoder.MiniLM => IsAvailable(MiniLmTypeName),
        _ => false,
    };

    /// <summary><see cref="IsAvailable(PretrainedTextEncoder)"/> for the type name given (tests name a type that cannot be
    /// found).</summary>
    internal static bool IsAvailable(string typeName)
    {
        try
        {
            return Type.GetType(typeName, throwOnError: false) is { } type && typeof(IPretrainedTextEncoder).IsAssignableFrom(type);
        }
        catch (Exception e) when (e is FileLoadException or BadImageFormatException)
        {
            return false;
        }
    }

    /// <summary><see cref="Find(PretrainedTextEncoder)"/> with the type name and package given (tests name a type that
    /// cannot be found).</summary>
    internal static IPretrainedTextEncoder Find(PretrainedTextEncoder encoder, string typeName, string package)
    {
        Type? type;
        try
        {
            type = Type.GetType(typeName, throwOnError: false);
        }
        catch (Exception e) when (e is FileLoadException or BadImageFormatException)
        {
            throw Missing(encoder, package, $" (its assembly did not load: {e.Message})", e);
        }
        if (type is null) throw Missing(encoder, package, "", null);
        object? instance = Activator.CreateInstance(type, nonPublic: true);
        return instance as IPretrainedTextEncoder
            ?? throw new InvalidOperationException(
                $"{type.AssemblyQualifiedName} is not an encoder of this LstmMlNet ({Version}); reference {package} at the same version as LstmMlNet.");
    }

    private static InvalidOperationException Missing(PretrainedTextEncoder encoder, string package, string detail, Exception? inner) => new(
        $"TextEncoder = {encoder} needs the package {package}, which this app does not reference{detail}. Add it at the version of LstmMlNet: `dotnet add package {package} --version {Version}`.",
        inner);

    private static ArgumentOutOfRangeException NotAnEncoder(PretrainedTextEncoder encoder) =>
        new(nameof(encoder), encoder, "A pretrained encoder (not None).");

    /// <summary>This library's package version (the encoder packages are built and versioned with it).</summary>
    private static string Version
    {
        get
        {
            Assembly assembly = typeof(PretrainedEncoders).Assembly;
            return assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
                ?? assembly.GetName().Version?.ToString() ?? "?";
        }
    }
}
