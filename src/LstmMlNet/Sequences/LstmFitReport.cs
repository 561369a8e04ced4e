namespace LstmMlNet;

/// <summary>What the last <c>Fit</c> of a recurrent trainer did and produced.</summary>
public sealed class LstmFitReport
{
    internal LstmFitReport(IReadOnlyList<TrainingProgress> history, int bestEpoch, bool stoppedEarly, long parameterCount,
        int vocabularySize, int trainingRows, int validationRows, byte[] onnxModel, double linearProbeWeight)
    {
        History = history;
        BestEpoch = bestEpoch;
        StoppedEarly = stoppedEarly;
        ParameterCount = parameterCount;
        VocabularySize = vocabularySize;
        TrainingRows = trainingRows;
        ValidationRows = validationRows;
        this.onnxModel = onnxModel;
        LinearProbeWeight = linearProbeWeight;
    }

    private readonly byte[] onnxModel;

    /// <summary>One report per epoch run.</summary>
    public IReadOnlyList<TrainingProgress> History { get; }

    /// <summary>1-based epoch whose weights the model carries (lowest validation loss when validating).</summary>
    public int BestEpoch { get; }

    /// <summary>True when early stopping ended training before the planned epochs.</summary>
    public bool StoppedEarly { get; }

    /// <summary>Trainable parameters of the network as trained: token embedding, the subword n-gram table
    /// (<see cref="LstmTrainerOptions.SubwordBuckets"/> × <see cref="LstmTrainerOptions.EmbeddingSize"/> with
    /// subwords on), encoder, pooling and head. This is what training updates, not what the saved model holds: the model
    /// stores one averaged vector per vocabulary token in place of the n-gram table, and with a
    /// <see cref="LstmTrainerOptions.TextEncoder"/> it also holds the frozen encoder, which is not counted.</summary>
    public long ParameterCount { get; }

    /// <summary>Known tokens (excluding the out-of-vocabulary id 0); 0 for numeric sequences.</summary>
    public int VocabularySize { get; }

    /// <summary>Rows trained on.</summary>
    public int TrainingRows { get; }

    /// <summary>Rows validated on each epoch (0 without validation).</summary>
    public int ValidationRows { get; }

    /// <summary>Weight of the linear probe in the model's logits, <c>(1 − w)·network + w·probe</c>
    /// (<see cref="LstmClassifierOptions.LinearProbeWeight"/>); 0 when no probe was blended.</summary>
    public double LinearProbeWeight { get; }

    /// <summary>The trained network as an ONNX model (opset 17), outputs as the fitted model's columns; its input is
    /// "LstmMlNet.TokenIds", int64 [1, N] (token ids after the vocabulary) for a token column, the feature column's name,
    /// float [1, N] (N = steps × frame size) for frames, or "LstmMlNet.Text", string [1] (the normalised text) with a
    /// pretrained text encoder. Runs in any ONNX Runtime.</summary>
    public byte[] OnnxModel() => (byte[])onnxModel.Clone();

    /// <summary>Writes <see cref="OnnxModel"/> to <paramref name="path"/>.</summary>
    public void SaveOnnx(string path) => File.WriteAllBytes(path, onnxModel);
}
