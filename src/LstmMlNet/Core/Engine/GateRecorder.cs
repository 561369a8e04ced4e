using static TorchSharp.torch;

namespace LstmMlNet.Engine;

/// <summary>Collects the activations of explicit-path steps (for diagnostics). Each call adds one step's
/// activations, each [B, H], keyed by name: gates ("i", "f", "g", "o" for the LSTM, peephole LSTM and CIFG LSTM, whose
/// "f" is 1 − i; "i", "g", "o" for the 1997 LSTM, which has no forget gate; "r", "z", "n" for both GRU forms), the
/// new hidden state "h" (every cell) and the new cell state "c" (every LSTM). The encoder records the forward direction
/// of every layer and sets <see cref="Layer"/> before each layer, so <see cref="StepLayers"/> tells which layer
/// each recorded step belongs to.</summary>
internal sealed class GateRecorder
{
    private readonly List<Dictionary<string, Tensor>> steps = new();
    private readonly List<int> stepLayers = new();

    /// <summary>Per step, the activations recorded (detached), in the order they were computed.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, Tensor>> Steps => steps;

    /// <summary>The layer (0-based) of each entry of <see cref="Steps"/>.</summary>
    public IReadOnlyList<int> StepLayers => stepLayers;

    /// <summary>The layer that the next recorded steps belong to. Default 0.</summary>
    public int Layer { get; set; }

    public void Record(params (string Name, Tensor Value)[] gates)
    {
        var step = new Dictionary<string, Tensor>(gates.Length);
        foreach (var (name, value) in gates)
        {
            step[name] = value.detach().MoveToOuterDisposeScope();
        }
        steps.Add(step);
        stepLayers.Add(Layer);
    }
}
