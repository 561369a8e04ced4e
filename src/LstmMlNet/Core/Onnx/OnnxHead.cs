namespace LstmMlNet.Onnx;

/// <summary>What an exported ONNX graph computes after the network's linear head.</summary>
internal enum OnnxHead
{
    /// <summary>Softmax over the K head outputs: multiclass probabilities.</summary>
    Softmax,

    /// <summary>Element-wise logistic sigmoid: binary classification (one logit → probability).</summary>
    Sigmoid,

    /// <summary>The head output as is: regression.</summary>
    Identity,
}
