using Microsoft.ML;
using Microsoft.ML.Runtime;

namespace LstmMlNet.Text;

/// <summary>
/// The frames a pretrained encoder gives one Fit (<see cref="IPretrainedTextEncoder.Fit"/>): the training rows' frames,
/// standardised per dimension, the frames of other rows (validation) standardised the same way, and the saved model's
/// parts: the ML.NET steps from the raw column to the graph's text input, and the one ONNX graph of the encoder's front
/// followed by the network exported on frames.
/// </summary>
internal interface IPretrainedFrameSource : IDisposable
{
    /// <summary>Values per frame (the encoder's width).</summary>
    int FrameSize { get; }

    /// <summary>Per-dimension mean of the training frames (null before <see cref="EncodeTraining"/>): the exported
    /// network subtracts it before the recurrent layers.</summary>
    float[]? FrameMean { get; }

    /// <summary>Per-dimension 1 / standard deviation of the training frames, applied after the mean (null before
    /// <see cref="EncodeTraining"/>).</summary>
    float[]? FrameScale { get; }

    /// <summary>The training rows' frames (steps × <see cref="FrameSize"/> values a row), standardised with statistics
    /// taken from them (<see cref="FrameMean"/>, <see cref="FrameScale"/>); call once.</summary>
    List<float[]> EncodeTraining(IChannel? log);

    /// <summary>The frames of every row of <paramref name="data"/>'s raw text column, standardised as the training frames
    /// were once <see cref="EncodeTraining"/> ran.</summary>
    List<float[]> Encode(IDataView data, IChannel? log);

    /// <summary>The fitted model's ML.NET steps before the graph: from the raw text column to a column named
    /// <see cref="Onnx.TextEncoderGraph.TextInput"/>, the graph's input (a temporary column of the fitted model).</summary>
    IEstimator<ITransformer> Preprocess(MLContext ml);

    /// <summary>One ONNX graph: the encoder's front (text → frames) followed by <paramref name="network"/>, a network
    /// exported with the single input <see cref="Onnx.TextEncoderGraph.FramesOutput"/>.</summary>
    byte[] Compose(byte[] network);
}
