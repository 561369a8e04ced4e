using LstmMlNet;
using LstmMlNet.Interop;
using Defaults = LstmMlNet.LstmTrainerOptions.Defaults;

namespace Microsoft.ML;

/// <summary>
/// Catalog entries for the recurrent trainers: <c>ml.BinaryClassification.Trainers.Lstm(...)</c>,
/// <c>ml.MulticlassClassification.Trainers.Lstm(...)</c>, <c>ml.Regression.Trainers.Lstm(...)</c>, each with the
/// common arguments inline and an overload taking the options object. The cell is chosen with <c>cell</c>
/// (LSTM, GRU, RNN) despite the method name.
/// </summary>
public static class LstmCatalog
{
    /// <summary>A recurrent binary classifier. Defaults: bidirectional LSTM, H = 64, embedding 128, max pooling, 10 epochs.</summary>
    /// <param name="catalog">The binary classification trainers.</param>
    /// <param name="labelColumnName">Boolean label column.</param>
    /// <param name="featureColumnName">Token vector column (Text or Key), or float vector with <see cref="LstmTrainerOptions.FrameSize"/> set.</param>
    /// <param name="cell">Recurrent cell.</param>
    /// <param name="hiddenSize">Hidden units per direction.</param>
    /// <param name="bidirectional">Read sequences in both directions.</param>
    /// <param name="epochs">Epochs over the training rows (the classifiers hold no rows out by default, so every epoch runs;
    /// set <see cref="TrainingOptions.ValidationFraction"/> or a validation set in the options overload for early stopping).
    /// A classifier reading tokens then trains 5 weight-averaging epochs (<see cref="LstmTrainerOptions.WeightAveragingEpochs"/>).</param>
    public static LstmBinaryTrainer Lstm(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog,
        string labelColumnName = Defaults.LabelColumnName, string featureColumnName = Defaults.FeatureColumnName,
        RecurrentCellKind cell = Defaults.Cell, int hiddenSize = Defaults.ClassifierHiddenSize, bool bidirectional = Defaults.Bidirectional,
        int epochs = Defaults.Epochs) =>
        catalog.Lstm(Common(new LstmBinaryTrainer.Options(), labelColumnName, featureColumnName, cell, hiddenSize, bidirectional, epochs));

    /// <summary>A recurrent binary classifier configured by <paramref name="options"/>.</summary>
    public static LstmBinaryTrainer Lstm(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog, LstmBinaryTrainer.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new LstmBinaryTrainer(CatalogEnvironment.Of(catalog), options);
    }

    /// <summary>A recurrent multiclass classifier. Defaults as the binary one; label: a key column.</summary>
    /// <param name="catalog">The multiclass classification trainers.</param>
    /// <param name="labelColumnName">Key label column.</param>
    /// <param name="featureColumnName">Token vector column (Text or Key), or float vector with <see cref="LstmTrainerOptions.FrameSize"/> set.</param>
    /// <param name="cell">Recurrent cell.</param>
    /// <param name="hiddenSize">Hidden units per direction.</param>
    /// <param name="bidirectional">Read sequences in both directions.</param>
    /// <param name="epochs">Epochs over the training rows (the classifiers hold no rows out by default, so every epoch runs;
    /// set <see cref="TrainingOptions.ValidationFraction"/> or a validation set in the options overload for early stopping).
    /// A classifier reading tokens then trains 5 weight-averaging epochs (<see cref="LstmTrainerOptions.WeightAveragingEpochs"/>).</param>
    public static LstmMulticlassTrainer Lstm(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        string labelColumnName = Defaults.LabelColumnName, string featureColumnName = Defaults.FeatureColumnName,
        RecurrentCellKind cell = Defaults.Cell, int hiddenSize = Defaults.ClassifierHiddenSize, bool bidirectional = Defaults.Bidirectional,
        int epochs = Defaults.Epochs) =>
        catalog.Lstm(Common(new LstmMulticlassTrainer.Options(), labelColumnName, featureColumnName, cell, hiddenSize, bidirectional, epochs));

    /// <summary>A recurrent multiclass classifier configured by <paramref name="options"/>.</summary>
    public static LstmMulticlassTrainer Lstm(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog, LstmMulticlassTrainer.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new LstmMulticlassTrainer(CatalogEnvironment.Of(catalog), options);
    }

    /// <summary>A recurrent regressor. Label: Single. Defaults: bidirectional LSTM, H = 128, 10 epochs at most.</summary>
    /// <param name="catalog">The regression trainers.</param>
    /// <param name="labelColumnName">Single label column.</param>
    /// <param name="featureColumnName">Token vector column (Text or Key), or float vector with <see cref="LstmTrainerOptions.FrameSize"/> set.</param>
    /// <param name="cell">Recurrent cell.</param>
    /// <param name="hiddenSize">Hidden units per direction.</param>
    /// <param name="bidirectional">Read sequences in both directions.</param>
    /// <param name="epochs">Maximum epochs (early stopping on the 10% of rows the regressor holds out by default,
    /// <see cref="TrainingOptions.ValidationFraction"/> 0.1).</param>
    public static LstmRegressionTrainer Lstm(this RegressionCatalog.RegressionTrainers catalog,
        string labelColumnName = Defaults.LabelColumnName, string featureColumnName = Defaults.FeatureColumnName,
        RecurrentCellKind cell = Defaults.Cell, int hiddenSize = Defaults.HiddenSize, bool bidirectional = Defaults.Bidirectional,
        int epochs = Defaults.Epochs) =>
        catalog.Lstm(Common(new LstmRegressionTrainer.Options(), labelColumnName, featureColumnName, cell, hiddenSize, bidirectional, epochs));

    /// <summary>A recurrent regressor configured by <paramref name="options"/>.</summary>
    public static LstmRegressionTrainer Lstm(this RegressionCatalog.RegressionTrainers catalog, LstmRegressionTrainer.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new LstmRegressionTrainer(CatalogEnvironment.Of(catalog), options);
    }

    /// <summary>Sets the arguments the short overloads share on <paramref name="options"/>.</summary>
    private static TOptions Common<TOptions>(TOptions options, string labelColumnName, string featureColumnName, RecurrentCellKind cell,
        int hiddenSize, bool bidirectional, int epochs)
        where TOptions : LstmTrainerOptions
    {
        options.LabelColumnName = labelColumnName;
        options.FeatureColumnName = featureColumnName;
        options.Network.Cell = cell;
        options.Network.HiddenSize = hiddenSize;
        options.Network.Bidirectional = bidirectional;
        options.Epochs = epochs;
        return options;
    }
}
