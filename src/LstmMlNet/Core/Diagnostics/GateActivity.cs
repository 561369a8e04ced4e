using LstmMlNet.Engine;
using static TorchSharp.torch;

namespace LstmMlNet;

/// <summary>
/// Gate statistics per layer — saturation of each gate, mean forget (LSTM) or update (GRU) gate, cell-state
/// magnitude, spread of the hidden states — from one run of the explicit path with a <see cref="GateRecorder"/>.
/// Saturated gates pass almost no gradient (σ' ≤ 0.25, and near 0 at the ends), and a forget gate near 0 cuts the
/// cell-state path: these numbers say why a gradient vanished where <see cref="GradientFlow"/> says that it did.
/// </summary>
public static class GateActivity
{
    /// <summary>
    /// Statistics of a freshly initialised encoder with <paramref name="layers"/> unidirectional layers on
    /// standard-normal inputs [batchSize, steps, inputSize].
    /// </summary>
    /// <param name="cell">Recurrent cell.</param>
    /// <param name="steps">Sequence length T (positive).</param>
    /// <param name="hiddenSize">Hidden units H. Default 32.</param>
    /// <param name="inputSize">Features per step I. Default 1.</param>
    /// <param name="layers">Stacked layers. Default 1.</param>
    /// <param name="batchSize">Sequences B. Default 16.</param>
    /// <param name="seed">Seed of the weights and the inputs. Default 0.</param>
    /// <param name="initialization">Weight initialisation; null takes <see cref="RecurrentInitialization"/>'s defaults.</param>
    public static IReadOnlyList<LayerStatistics> ForFreshEncoder(RecurrentCellKind cell, int steps, int hiddenSize = GradientFlow.DefaultHiddenSize,
        int inputSize = 1, int layers = 1, int batchSize = GradientFlow.DefaultBatchSize, int seed = 0, RecurrentInitialization? initialization = null)
    {
        if (steps <= 0) throw new ArgumentOutOfRangeException(nameof(steps), steps, "The number of steps must be a positive integer.");
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The batch size must be a positive integer.");
        using var scope = NewDisposeScope();
        random.manual_seed(seed);
        using var encoder = new RecurrentEncoder(new EncoderSpec(cell, inputSize, hiddenSize, layers, Initialization: initialization));
        return Measure(encoder, randn(batchSize, steps, inputSize));
    }

    /// <summary>Runs <paramref name="encoder"/> on <paramref name="input"/> ([B, T, I], every sequence T steps long)
    /// without gradients and summarises the forward direction of every layer.</summary>
    internal static IReadOnlyList<LayerStatistics> Measure(RecurrentEncoder encoder, Tensor input)
    {
        using var outer = NewDisposeScope();
        var recorder = new GateRecorder();
        using (no_grad())
        using (NewDisposeScope())
        {
            Tensor lengths = TorchScalars.Full(new[] { input.shape[0] }, input.shape[1], ScalarType.Int64);
            encoder.Forward(input, lengths, null, RecurrentPath.Explicit, recorder);
        }
        return Summarize(recorder, encoder.Spec.Cell);
    }

    /// <summary>Summarises what <paramref name="recorder"/> holds, one <see cref="LayerStatistics"/> per recorded layer.</summary>
    internal static IReadOnlyList<LayerStatistics> Summarize(GateRecorder recorder, RecurrentCellKind kind)
    {
        RecurrentCell cell = CellRegistry.For(kind);
        using var scope = NewDisposeScope();
        var result = new List<LayerStatistics>();
        foreach (int layer in recorder.StepLayers.Distinct().Order())
        {
            var steps = recorder.Steps.Where((_, index) => recorder.StepLayers[index] == layer).ToList();
            Tensor All(string name) => stack(steps.Select(s => s[name]).ToArray()).to(ScalarType.Float64);
            double Mean(string name) => All(name).mean().item<double>();

            var gates = new List<GateStatistics>();
            foreach (var (gate, activation) in cell.Gates)
            {
                Tensor values = All(gate);
                double count = values.numel();
                var (low, high) = activation switch
                {
                    "sigmoid" => (values.LessThan(0.1), values.GreaterThan(0.9)),
                    "tanh" => (values.LessThan(-0.9), values.GreaterThan(0.9)),
                    _ => (values.EqualTo(0.0), zeros_like(values, dtype: ScalarType.Bool)),
                };
                gates.Add(new GateStatistics(layer, gate, activation, values.mean().item<double>(),
                    low.sum().item<long>() / count, high.sum().item<long>() / count));
            }
            result.Add(new LayerStatistics(
                layer,
                gates,
                cell.ForgetGate is { } forget ? Mean(forget) : null,
                cell.UpdateGate is { } update ? Mean(update) : null,
                cell.HasCellState ? All("c").abs().mean().item<double>() : null,
                All("h").std(unbiased: false).item<double>()));
        }
        return result;
    }
}
