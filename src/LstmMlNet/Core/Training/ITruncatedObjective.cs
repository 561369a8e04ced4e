using LstmMlNet.Data;
using LstmMlNet.Engine;
using static TorchSharp.torch;

namespace LstmMlNet.Training;

/// <summary>A sequence-to-sequence objective that can be trained with truncated BPTT.</summary>
internal interface ITruncatedObjective : ITrainingObjective
{
    /// <summary>Chunk losses in time order, each to be backpropagated and stepped before the next is requested;
    /// the recurrent state crosses chunk borders detached.</summary>
    IEnumerable<Tensor> ChunkLosses(SequenceNetwork network, SequenceBatch batch, int chunkSteps);
}
