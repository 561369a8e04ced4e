using Microsoft.ML;
using Microsoft.ML.Runtime;

namespace LstmMlNet.Text;

/// <summary>
/// A frozen pretrained text encoder that the trainers find at Fit through <see cref="PretrainedEncoders"/> (by
/// assembly-qualified type name, so its package can stay out of apps that do not use it). An implementation is a sealed
/// class with a parameterless constructor in the encoder's own assembly, which sees this library's internals.
/// </summary>
internal interface IPretrainedTextEncoder
{
    /// <summary>Width of the encoder's frames (values per token vector); equal to
    /// <see cref="PretrainedEncoders.Dimensions"/> of its <see cref="PretrainedTextEncoder"/> member.</summary>
    int Dimensions { get; }

    /// <summary>Checks <paramref name="column"/> of <paramref name="data"/> (raw text), reads the training rows and
    /// returns the frame source of one Fit, at most <paramref name="maxLength"/> tokens a row. The caller disposes it.</summary>
    IPretrainedFrameSource Fit(MLContext ml, IDataView data, string column, int maxLength, IChannel? log);
}
