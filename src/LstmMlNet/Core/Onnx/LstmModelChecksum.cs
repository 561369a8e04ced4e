using System.Diagnostics.CodeAnalysis;
using System.IO.Compression;
using System.Security.Cryptography;
using Google.Protobuf;
using LstmMlNet.Onnx.Protobuf;

namespace LstmMlNet;

/// <summary>
/// A SHA-256 checksum of every exported ONNX model, stored in the model itself, and its check. ML.NET's zip loader does
/// not verify entry CRCs, so flipped bits inside a saved model's ONNX entry could load and predict different numbers.
/// <para>The checksum is the lowercase hex SHA-256 of the serialised ONNX ModelProto without its own metadata entry
/// (<see cref="MetadataKey"/>, appended last): the graph, its initializers (all weights), the opset and the other
/// metadata. <see cref="LstmMlNet.LstmForecastEngine.Load{TIn, TOut}"/> checks it; call
/// <see cref="Verify(string)"/> for a zip written by <c>ml.Model.Save</c>.</para>
/// <para>Cost: <see cref="Verify(string)"/> unzips, parses, re-serialises and hashes the ONNX entry, linear in its size
/// and cheaper than <c>ml.Model.Load</c> of the same zip (README, "Checksums", has the measured figures;
/// LstmModelChecksumTests writes both). Export pays one extra serialisation and hash.</para>
/// </summary>
public static class LstmModelChecksum
{
    /// <summary>The metadata_props key holding the checksum: "lstmmlnet.sha256".</summary>
    public const string MetadataKey = "lstmmlnet.sha256";

    /// <summary>Adds the checksum entry to <paramref name="model"/> (replacing one already there). Internal: the exporters call it last.</summary>
    internal static void Stamp(ModelProto model)
    {
        Remove(model);
        string sum = Compute(model);
        model.MetadataProps.Add(new StringStringEntryProto { Key = MetadataKey, Value = sum });
    }

    /// <summary>Checks ONNX model bytes written by this library.</summary>
    /// <param name="onnx">The ONNX model bytes.</param>
    /// <param name="source">Names the model in the error (a file, an entry).</param>
    /// <exception cref="InvalidDataException">The bytes do not parse as ONNX, carry no checksum, or do not match it.</exception>
    public static void VerifyOnnx(byte[] onnx, string source)
    {
        ArgumentNullException.ThrowIfNull(onnx);
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(onnx);
        }
        catch (InvalidProtocolBufferException error)
        {
            throw new InvalidDataException($"{source}: the ONNX model does not parse ({error.Message}); the file is damaged.", error);
        }
        string? stored = Remove(model);
        if (stored is null)
            throw new InvalidDataException($"{source}: the ONNX model has no {MetadataKey} checksum (written by another tool or an LstmMlNet without checksums, or damaged).");
        string actual = Compute(model);
        if (!string.Equals(stored, actual, StringComparison.Ordinal))
            throw new InvalidDataException($"{source}: the ONNX model's SHA-256 is {actual} but its stored checksum is {stored}; the file is damaged.");
    }

    /// <summary>Checks every ONNX model inside a model zip written by <c>ml.Model.Save</c> (of a model this library fitted)
    /// and returns how many it checked (at least one).</summary>
    /// <param name="path">The model zip.</param>
    /// <exception cref="InvalidDataException">The zip holds no ONNX model, or one that is damaged (named with its entry).</exception>
    public static int Verify(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using FileStream file = File.OpenRead(path);
        return Verify(file, $"'{path}'");
    }

    /// <summary>Checks every ONNX model inside a model zip read from <paramref name="modelZip"/> (see <see cref="Verify(string)"/>).</summary>
    /// <param name="modelZip">A readable stream of the zip; left open.</param>
    /// <param name="source">Names the model in errors.</param>
    public static int Verify(Stream modelZip, string source)
    {
        ArgumentNullException.ThrowIfNull(modelZip);
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(modelZip, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException error)
        {
            throw new InvalidDataException($"{source} is not a model zip ({error.Message}).", error);
        }
        using (zip)
        {
            int checkedModels = 0;
            foreach (ZipArchiveEntry entry in zip.Entries)
            {
                if (!entry.FullName.EndsWith("OnnxModel", StringComparison.Ordinal)) continue;
                var buffer = new MemoryStream();
                using (Stream stream = entry.Open()) stream.CopyTo(buffer);
                if (!TryUnwrap(buffer.ToArray(), out byte[]? onnx))
                    throw new InvalidDataException($"{source}: the entry '{entry.FullName}' is not a length-prefixed ONNX model; the file is damaged.");
                VerifyOnnx(onnx, $"{source}, entry '{entry.FullName}'");
                checkedModels++;
            }
            if (checkedModels == 0) throw new InvalidDataException($"{source} holds no ONNX model (no entry named *OnnxModel).");
            return checkedModels;
        }
    }

    /// <summary>ML.NET's OnnxTransformer writes its model as a byte array: an int32 length, then the bytes.</summary>
    private static bool TryUnwrap(byte[] entry, [NotNullWhen(true)] out byte[]? onnx)
    {
        onnx = null;
        if (entry.Length < 4) return false;
        int length = BitConverter.ToInt32(entry, 0);
        if (length < 0 || length != entry.Length - 4) return false;
        onnx = entry[4..];
        return true;
    }

    private static string Compute(ModelProto model) => Convert.ToHexStringLower(SHA256.HashData(model.ToByteArray()));

    /// <summary>Removes the checksum entry; returns its value, or null when there was none.</summary>
    private static string? Remove(ModelProto model)
    {
        string? value = null;
        for (int k = model.MetadataProps.Count - 1; k >= 0; k--)
        {
            if (model.MetadataProps[k].Key != MetadataKey) continue;
            value ??= model.MetadataProps[k].Value;
            model.MetadataProps.RemoveAt(k);
        }
        return value;
    }
}
