using System.Globalization;

namespace LstmMlNet.Comparison;

/// <summary>One recurrent configuration tried by a comparison.</summary>
/// <param name="Cell">Recurrent cell (<see cref="RecurrentNetworkOptions.Cell"/>).</param>
/// <param name="HiddenSize">Hidden units per direction (<see cref="RecurrentNetworkOptions.HiddenSize"/>).</param>
/// <param name="Layers">Stacked layers (<see cref="RecurrentNetworkOptions.Layers"/>).</param>
/// <param name="Bidirectional">Both directions per layer (<see cref="RecurrentNetworkOptions.Bidirectional"/>).</param>
/// <param name="Pooling">Pooling over steps (classification and regression; forecasting reads the future steps).</param>
/// <param name="LearningRate">Optimizer learning rate; <c>null</c> keeps the candidate's own (the trainer's or forecaster's
/// default, or what the comparison's configure callback set).</param>
/// <param name="TextEncoder">The pretrained encoder whose token vectors the candidate reads (text input of the classifiers
/// and regression only); <see cref="PretrainedTextEncoder.None"/> reads NormalizeText + TokenizeIntoWords tokens.</param>
public sealed record RecurrentConfiguration(RecurrentCellKind Cell, int HiddenSize, int Layers, bool Bidirectional, PoolingKind Pooling,
    double? LearningRate, PretrainedTextEncoder TextEncoder = PretrainedTextEncoder.None)
{
    /// <summary>A short name, e.g. "BiLstm H128 L1 Max", with a learning rate from the space "BiLstm H128 L1 Max lr=0.003",
    /// on MiniLM frames "MiniLM BiLstm H128 L1 Max".</summary>
    public string Describe(bool includePooling = true) =>
        (TextEncoder == PretrainedTextEncoder.None ? "" : TextEncoder + " ") +
        $"{(Bidirectional ? "Bi" : "")}{Cell} H{HiddenSize} L{Layers}{(includePooling ? " " + Pooling : "")}" +
        (LearningRate is double rate ? $" lr={rate.ToString("g3", CultureInfo.InvariantCulture)}" : "");

    /// <summary>Sets this configuration's cell, hidden size, layers and direction on <paramref name="network"/> (a trainer's
    /// or the forecaster's <see cref="RecurrentNetworkOptions"/>), leaving its dropout and initialisation as they are: the
    /// one mapping from a point of the search space to the network options. <paramref name="callback"/> names the
    /// comparison option that configured the <paramref name="owner"/>'s options before ("trainer", "forecaster"), for the
    /// error when it left <paramref name="network"/> null.</summary>
    internal void ApplyTo(RecurrentNetworkOptions? network, string callback, string owner)
    {
        if (network is null)
            throw new ArgumentException($"{callback} set the {owner} options' Network to null; change its members instead (o.Network.HiddenSize = 64, ...).", callback);
        network.Cell = Cell;
        network.HiddenSize = HiddenSize;
        network.Layers = Layers;
        network.Bidirectional = Bidirectional;
    }

    /// <summary>The configuration as name/value pairs, for the leaderboard.</summary>
    public IReadOnlyDictionary<string, string> ToDictionary(bool includePooling = true)
    {
        var pairs = new Dictionary<string, string>
        {
            ["Cell"] = Cell.ToString(),
            ["HiddenSize"] = HiddenSize.ToString(CultureInfo.InvariantCulture),
            ["Layers"] = Layers.ToString(CultureInfo.InvariantCulture),
            ["Bidirectional"] = Bidirectional ? "true" : "false",
            ["LearningRate"] = LearningRate is double rate ? rate.ToString("g6", CultureInfo.InvariantCulture) : "default",
        };
        if (includePooling) pairs["Pooling"] = Pooling.ToString();
        if (TextEncoder != PretrainedTextEncoder.None) pairs["TextEncoder"] = TextEncoder.ToString();
        return pairs;
    }
}
