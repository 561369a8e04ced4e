using LstmMlNet.Engine;
using TorchSharp;
using static TorchSharp.torch;

namespace LstmMlNet;

/// <summary>
/// Measures ‖∂L/∂h_t‖ at every step t of a recurrent encoder — the quantity whose decay over t is the vanishing
/// gradient problem (Hochreiter 1991; Bengio, Simard &amp; Frasconi 1994). The encoder is stepped one step at a time
/// with the state carried from step to step, and the loss is differentiated with respect to each step's hidden
/// state by autograd. Works on fresh or trained weights; the weights are not changed.
/// </summary>
public static class GradientFlow
{
    /// <summary>Default hidden size of <see cref="ForFreshEncoder"/>: 32.</summary>
    public const int DefaultHiddenSize = 32;

    /// <summary>Default batch of random sequences of <see cref="ForFreshEncoder"/>: 16.</summary>
    public const int DefaultBatchSize = 16;

    /// <summary>
    /// Gradient flow through a freshly initialised single-layer, unidirectional encoder on standard-normal inputs
    /// [batchSize, steps, inputSize]. Loss: L = (1/B) Σ_b Σ_j h_T[b, j], the batch mean of the summed last hidden state,
    /// so ‖∂L/∂h_T‖ = √(B·H)/B and the earlier norms show what the recurrence keeps of it. Computed in float64.
    /// </summary>
    /// <param name="cell">Recurrent cell.</param>
    /// <param name="steps">Sequence length T (positive).</param>
    /// <param name="hiddenSize">Hidden units H. Default 32.</param>
    /// <param name="inputSize">Features per step I. Default 1.</param>
    /// <param name="batchSize">Sequences B. Default 16.</param>
    /// <param name="seed">Seed of the weights and the inputs. Default 0.</param>
    /// <param name="initialization">Weight initialisation; null takes <see cref="RecurrentInitialization"/>'s defaults
    /// (orthogonal recurrent weights, LSTM forget bias 1).</param>
    public static GradientFlowResult ForFreshEncoder(RecurrentCellKind cell, int steps, int hiddenSize = DefaultHiddenSize,
        int inputSize = 1, int batchSize = DefaultBatchSize, int seed = 0, RecurrentInitialization? initialization = null)
    {
        if (steps <= 0) throw new ArgumentOutOfRangeException(nameof(steps), steps, "The number of steps must be a positive integer.");
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The batch size must be a positive integer.");
        using var scope = NewDisposeScope();
        random.manual_seed(seed);
        using var encoder = new RecurrentEncoder(new EncoderSpec(cell, inputSize, hiddenSize, Initialization: initialization));
        // float64, so that norms 30 or more decades below the last step's do not underflow.
        encoder.to(ScalarType.Float64);
        Tensor input = randn(new long[] { batchSize, steps, inputSize }, dtype: ScalarType.Float64);
        return Measure(encoder, input);
    }

    /// <summary>
    /// ‖∂L/∂h_t‖ of the last layer for every step of <paramref name="input"/> ([B, T, I], every sequence T steps long),
    /// with L = <paramref name="lossOfLastHidden"/>(h_T) on the last layer's final hidden state [B, H]; the default
    /// loss is the batch mean of Σ_j h_T[b, j]. Unidirectional encoders only.
    /// </summary>
    internal static GradientFlowResult Measure(RecurrentEncoder encoder, Tensor input, Func<Tensor, Tensor>? lossOfLastHidden = null)
    {
        using var scope = NewDisposeScope();
        using var grad = enable_grad();
        Tensor[] states = Unroll(encoder, input);
        Tensor last = states[^1][encoder.Spec.Layers - 1];
        Tensor loss = (lossOfLastHidden ?? DefaultLoss)(last);
        return Norms(encoder, loss, states);
    }

    /// <summary>
    /// As <see cref="Measure(RecurrentEncoder, Tensor, Func{Tensor, Tensor}?)"/> for a whole network: raw inputs (ids [B, T]
    /// or frames [B, T, F], all T steps long) → embedding/projection → encoder → pooling → head, and
    /// L = <paramref name="lossOfOutput"/>(head output [B, Outputs]). With <see cref="PoolingKind.Last"/> this is the
    /// loss on the last step's output; with other poolings every step reaches the loss directly as well.
    /// Unidirectional networks only; the network's training/eval mode is left as it is.
    /// </summary>
    internal static GradientFlowResult Measure(SequenceNetwork network, Tensor inputs, Func<Tensor, Tensor> lossOfOutput)
    {
        using var scope = NewDisposeScope();
        using var grad = enable_grad();
        RecurrentEncoder encoder = network.Encoder;
        Tensor embedded = network.Embed(inputs);
        Tensor[] states = Unroll(encoder, embedded);
        int top = encoder.Spec.Layers - 1;
        Tensor sequence = stack(states.Select(s => s[top]).ToArray(), dim: 1);
        Tensor lengths = TorchScalars.Full(new[] { sequence.shape[0] }, sequence.shape[1], ScalarType.Int64);
        var (pooled, _) = network.Pooling.Forward(sequence, lengths);
        Tensor loss = lossOfOutput(network.Head.call(network.HeadInput(pooled, embedded, lengths)));
        return Norms(encoder, loss, states);
    }

    private static Tensor DefaultLoss(Tensor lastHidden) => lastHidden.sum().Over(lastHidden.shape[0]);

    /// <summary>Steps the encoder one step at a time, carrying the state; returns each step's hidden state of every
    /// layer, [layers, B, H] per step. Each of these tensors is the one the next step reads, so the gradient with
    /// respect to it is the total derivative ∂L/∂h_t.</summary>
    private static Tensor[] Unroll(RecurrentEncoder encoder, Tensor input)
    {
        if (encoder.Spec.Bidirectional)
            throw new ArgumentException("Gradient flow is defined here for unidirectional encoders; got a bidirectional one.", nameof(encoder));
        if (input.dim() != 3 || input.shape[1] < 1)
            throw new ArgumentException($"Expected input of shape [batch, steps, features] with at least one step; got [{string.Join(", ", input.shape)}].", nameof(input));
        long steps = input.shape[1];
        Tensor one = ones(input.shape[0], dtype: ScalarType.Int64);
        var states = new Tensor[steps];
        (Tensor H, Tensor? C)? state = null;
        for (long t = 0; t < steps; t++)
        {
            EncoderOutput step = encoder.Forward(input.narrow(1, t, 1), one, state, RecurrentPath.Explicit);
            states[t] = step.HiddenState;
            state = (step.HiddenState, step.CellState);
        }
        return states;
    }

    private static GradientFlowResult Norms(RecurrentEncoder encoder, Tensor loss, Tensor[] states)
    {
        if (loss.numel() != 1) throw new ArgumentException($"The loss must be a scalar; got shape [{string.Join(", ", loss.shape)}].", nameof(loss));
        IList<Tensor> grads = autograd.grad(new[] { loss }, states, allow_unused: true);
        int top = encoder.Spec.Layers - 1;
        var norms = new double[states.Length];
        for (int t = 0; t < states.Length; t++)
        {
            Tensor? g = grads[t];
            norms[t] = g is null || g.IsInvalid ? 0.0 : g[top].to(ScalarType.Float64).norm().item<double>();
        }
        return new GradientFlowResult(encoder.Spec.Cell, norms);
    }
}
