using static TorchSharp.torch;

namespace LstmMlNet.Engine;

/// <summary>Collects the gate activations of explicit-path steps (for diagnostics). Each call adds one
/// step's gates, each [B, H], keyed by gate name ("i", "f", "g", "o", "r", "z", "n").</summary>
internal sealed class GateRecorder
{
    private readonly List<Dictionary<string, Tensor>> steps = new();

    /// <summary>Per step, the gate activations recorded (detached).</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, Tensor>> Steps => steps;

    public void Record(params (string Name, Tensor Value)[] gates)
    {
        var step = new Dictionary<string, Tensor>(gates.Length);
        foreach (var (name, value) in gates)
        {
            step[name] = value.detach().MoveToOuterDisposeScope();
        }
        steps.Add(step);
    }
}
