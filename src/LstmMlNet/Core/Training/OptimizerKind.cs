namespace LstmMlNet;

/// <summary>The optimiser of the training loop.</summary>
public enum OptimizerKind
{
    /// <summary>Adam (Kingma &amp; Ba 2015), β = (0.9, 0.999); weight decay added to the gradient (L2).</summary>
    Adam,

    /// <summary>AdamW (Loshchilov &amp; Hutter 2019): Adam with decoupled weight decay.</summary>
    AdamW,

    /// <summary>Stochastic gradient descent with momentum (<see cref="TrainingOptions.Momentum"/>).</summary>
    Sgd,
}
