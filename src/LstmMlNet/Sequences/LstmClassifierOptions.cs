namespace LstmMlNet;

/// <summary>
/// Options shared by the binary and multiclass recurrent trainers: those of <see cref="LstmTrainerOptions"/>
/// with the classifier defaults below and label smoothing.
/// </summary>
/// <remarks>
/// Classifier defaults, chosen on the sentiment and news sets of the tests (the figures are in the README's pipeline
/// section): <see cref="LstmTrainerOptions.InputDropout"/> 0.2 and <see cref="TrainingOptions.LearningRate"/> 2e-3
/// (dropout on the token vectors keeps the larger step from over-fitting a few thousand rows);
/// <see cref="TrainingOptions.ValidationFraction"/> 0 — like ML.NET's own trainers the fit trains on every row it is
/// given for the 10 epochs, and validates (with early stopping and the best epoch's weights restored) only when given a
/// <see cref="LstmTrainerOptions.ValidationSet"/> or a fraction, since on a few hundred to a few thousand rows a
/// held-out tenth was too small to pick the epoch; <see cref="LabelSmoothing"/> 0.1; and 64 hidden units per direction
/// (<see cref="RecurrentNetworkOptions.HiddenSize"/>; 128 before version 0.4): on the whole text table (yelp and imdb
/// over three splits, AG News, two training seeds) within the seed-to-seed scatter of 128's accuracy and log-loss, at
/// about 0.6 of its Fit time (benchmarks/README.md).
/// </remarks>
public abstract class LstmClassifierOptions : LstmTrainerOptions
{
    /// <summary>Creates the options with the classifier defaults (see the remarks).</summary>
    protected LstmClassifierOptions()
        : base(Defaults.ClassifierNetwork)
    {
        InputDropout = 0.2;
        LearningRate = 2e-3;
        ValidationFraction = 0;
    }

    /// <summary>
    /// Label smoothing ε of the training loss, in [0, 1): the target distribution puts 1 − ε + ε/K on the true class
    /// and ε/K on each other class (K = 2 for binary: a positive row's target is 1 − ε/2). Default 0.1. Without it the
    /// network, trained on every row for all epochs, drives its logits far apart and its probabilities are
    /// over-confident (the README's pipeline section has the test log-losses with and without it). The training loss in the progress reports is against the smoothed targets, so it does not fall
    /// below their entropy (0.199 nats for binary at ε = 0.1); validation loss and the metrics use the plain labels.
    /// </summary>
    public double LabelSmoothing { get; set; } = 0.1;

    /// <summary>
    /// Weight w of the linear probe blended into the trained classifier, in [0, 1]: after training, Fit fits ML.NET's
    /// <c>LbfgsLogisticRegression</c> (binary) or <c>LbfgsMaximumEntropy</c> (multiclass), default regularisation, on each
    /// training row's mean frame (what a user would build from the encoder's sentence vectors), and the model's logits
    /// become <c>(1 − w)·network + w·probe</c>. The head is linear in the mean frame it already reads
    /// (<see cref="LstmTrainerOptions.BagOfEmbeddings"/>), so the blend is folded into the head's weights: the saved model
    /// has the same graph, size and scoring cost. 0 turns it off; 1 gives the probe alone.
    /// <para>Default null: with a <see cref="LstmTrainerOptions.TextEncoder"/>, <see cref="DefaultLinearProbeWeight"/>
    /// — or, when the fit validates (<see cref="LstmTrainerOptions.ValidationSet"/> or
    /// <see cref="TrainingOptions.ValidationFraction"/>), the weight of {0, ¼, ½, ¾, 1} with the lowest validation
    /// log-loss, so a model that validates is never worse there than its own probe; off for token input and for frames
    /// given as a column. A value above 0 needs a text encoder with <see cref="LstmTrainerOptions.BagOfEmbeddings"/> and no
    /// <see cref="LstmTrainerOptions.ProjectionSize"/>. The weight used is <see cref="LstmFitReport.LinearProbeWeight"/>.</para>
    /// </summary>
    public double? LinearProbeWeight { get; set; }

    /// <summary>The probe's weight a fit over a text encoder uses without validation when
    /// <see cref="LinearProbeWeight"/> is null: 0.5, chosen on docs/text.md's table of six sentence sets over three
    /// seeds each.</summary>
    public static double DefaultLinearProbeWeight { get; } = 0.5;

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        if (!(LabelSmoothing >= 0 && LabelSmoothing < 1)) throw Bad(nameof(LabelSmoothing), LabelSmoothing, "a value in [0, 1)");
        if (LinearProbeWeight is double w)
        {
            if (!(w >= 0 && w <= 1)) throw Bad(nameof(LinearProbeWeight), w, "null (the default) or a value in [0, 1]");
            if (w > 0 && (TextEncoder == PretrainedTextEncoder.None || !BagOfEmbeddings || ProjectionSize > 0))
            {
                throw new ArgumentOutOfRangeException(nameof(LinearProbeWeight), w,
                    "LinearProbeWeight blends a linear probe on the mean encoder frame: it needs a TextEncoder with BagOfEmbeddings = true and ProjectionSize = 0.");
            }
        }
    }
}
