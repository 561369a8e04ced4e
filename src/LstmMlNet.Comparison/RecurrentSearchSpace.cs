namespace LstmMlNet.Comparison;

/// <summary>
/// The recurrent configurations a comparison may try: one list per setting, combined as a grid. Defaults give
/// 2 cells × 2 widths = 4 configurations (bidirectional, one layer, max pooling, each candidate's default learning rate).
/// </summary>
public sealed class RecurrentSearchSpace
{
    /// <summary>Cells (<see cref="RecurrentNetworkOptions.Cell"/>). Default LSTM and GRU.</summary>
    public IReadOnlyList<RecurrentCellKind> Cells { get; init; } = new[] { RecurrentCellKind.Lstm, RecurrentCellKind.Gru };

    /// <summary>Hidden units per direction (<see cref="RecurrentNetworkOptions.HiddenSize"/>). Default 64 and 128.</summary>
    public IReadOnlyList<int> HiddenSizes { get; init; } = new[] { 64, 128 };

    /// <summary>Stacked layers (<see cref="RecurrentNetworkOptions.Layers"/>). Default 1.</summary>
    public IReadOnlyList<int> Layers { get; init; } = new[] { 1 };

    /// <summary>Bidirectional or not (<see cref="RecurrentNetworkOptions.Bidirectional"/>). Default bidirectional only
    /// (forecasting candidates take the value as given).</summary>
    public IReadOnlyList<bool> Bidirectional { get; init; } = new[] { true };

    /// <summary>Pooling over steps (ignored by forecasting). Default max.</summary>
    public IReadOnlyList<PoolingKind> Pooling { get; init; } = new[] { PoolingKind.Max };

    /// <summary>Learning rates to try. Default <c>null</c>: no learning-rate axis; each candidate keeps its own default
    /// (2e-3 for the classifiers, 1e-3 for regression and forecasting) or what the comparison's configure callback sets.</summary>
    public IReadOnlyList<double>? LearningRates { get; init; }

    /// <summary>Text inputs to try (classification and regression on <see cref="ComparisonInput.Text"/> only): tokens
    /// learnt from the rows (<see cref="PretrainedTextEncoder.None"/>) and/or a pretrained encoder's token vectors
    /// (<see cref="PretrainedTextEncoder.MiniLM"/>, which reads the raw text column and needs the app to reference the
    /// LstmMlNet.Text.MiniLM package; without it the comparison throws before any trial, naming the package). A list
    /// given is the outermost axis of the grid. Default <c>null</c> (automatic): a comparison on a text input tries every
    /// point of the space with None and, when the app references LstmMlNet.Text.MiniLM, again with MiniLM right after it
    /// (so a MiniLM trial comes second among the recurrent ones, not after every token trial); on other inputs, and for
    /// <see cref="Size"/>, <see cref="Grid"/> and <see cref="Sample"/> of the space alone, null reads as None only.</summary>
    public IReadOnlyList<PretrainedTextEncoder>? TextEncoders { get; init; }

    /// <summary>Number of combinations.</summary>
    public long Size => (long)(TextEncoders?.Count ?? 1) * Cells.Count * HiddenSizes.Count * Layers.Count * Bidirectional.Count * Pooling.Count * (LearningRates?.Count ?? 1);

    /// <summary>Every combination in grid order: text encoders vary slowest, then cells; learning rates fastest.</summary>
    public IReadOnlyList<RecurrentConfiguration> Grid()
    {
        Validate();
        // No learning-rate axis: one configuration per point with a null rate (the candidate's own default).
        IReadOnlyList<double?> rates = LearningRates?.Select(r => (double?)r).ToArray() ?? new double?[] { null };
        var all = new List<RecurrentConfiguration>();
        foreach (PretrainedTextEncoder encoder in TextEncoders ?? NoEncoder)
        foreach (RecurrentCellKind cell in Cells)
            foreach (int hidden in HiddenSizes)
                foreach (int layers in Layers)
                    foreach (bool bidirectional in Bidirectional)
                        foreach (PoolingKind pooling in Pooling)
                            foreach (double? rate in rates)
                                all.Add(new RecurrentConfiguration(cell, hidden, layers, bidirectional, pooling, rate, encoder));
        return all;
    }

    /// <summary>Up to <paramref name="count"/> distinct combinations in a random order fixed by <paramref name="seed"/>
    /// (a seeded Fisher–Yates shuffle of the grid).</summary>
    public IReadOnlyList<RecurrentConfiguration> Sample(int count, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var all = Grid().ToArray();
        var random = new Random(seed);
        for (int i = all.Length - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (all[i], all[j]) = (all[j], all[i]);
        }
        return all.Take(count).ToArray();
    }

    /// <summary>Throws when a list is empty (<see cref="ArgumentException"/> naming the list) or holds an invalid value (a
    /// cell, hidden size or layer count: <see cref="ArgumentOutOfRangeException"/> naming the
    /// <see cref="RecurrentNetworkOptions"/> member it sets, as that type's <see cref="RecurrentNetworkOptions.Validate()"/>
    /// does; a text encoder or learning rate: <see cref="ArgumentException"/> naming the list).</summary>
    public void Validate()
    {
        Check(Cells, nameof(Cells));
        Check(HiddenSizes, nameof(HiddenSizes));
        Check(Layers, nameof(Layers));
        Check(Bidirectional, nameof(Bidirectional));
        Check(Pooling, nameof(Pooling));
        if (TextEncoders is not null)
        {
            Check(TextEncoders, nameof(TextEncoders));
            if (TextEncoders.Any(e => !Enum.IsDefined(e))) throw new ArgumentException("Every text encoder must be a defined PretrainedTextEncoder.", nameof(TextEncoders));
        }
        // Each value is checked as the network option it sets, with that option's own message ("HiddenSize must be a
        // positive integer; got 0.").
        foreach (RecurrentCellKind cell in Cells) new RecurrentNetworkOptions { Cell = cell }.Validate();
        foreach (int hidden in HiddenSizes) new RecurrentNetworkOptions { HiddenSize = hidden }.Validate();
        foreach (int layers in Layers) new RecurrentNetworkOptions { Layers = layers }.Validate();
        if (LearningRates is not null)
        {
            Check(LearningRates, nameof(LearningRates));
            if (LearningRates.Any(r => !(r > 0) || double.IsInfinity(r))) throw new ArgumentException("Every learning rate must be positive and finite.", nameof(LearningRates));
        }
    }

    /// <summary>What a null <see cref="TextEncoders"/> reads as outside a comparison on text.</summary>
    private static readonly PretrainedTextEncoder[] NoEncoder = { PretrainedTextEncoder.None };

    /// <summary>The order a comparison tries this space's configurations in: the grid (<see cref="SearchStrategy.Grid"/>)
    /// or all of it shuffled with <paramref name="seed"/> (<see cref="SearchStrategy.Random"/>, so a prefix of n is
    /// <see cref="Sample"/>(n, seed)). With <see cref="TextEncoders"/> null, each point is followed by its twins on
    /// <paramref name="automaticEncoders"/> (the automatic rule; empty: None only).</summary>
    internal IReadOnlyList<RecurrentConfiguration> Order(SearchStrategy strategy, int seed, IReadOnlyList<PretrainedTextEncoder> automaticEncoders)
    {
        IReadOnlyList<RecurrentConfiguration> points = strategy == SearchStrategy.Random ? Sample(int.MaxValue, seed) : Grid();
        return TextEncoders is not null || automaticEncoders.Count == 0
            ? points
            : points.SelectMany(p => new[] { p }.Concat(automaticEncoders.Select(e => p with { TextEncoder = e }))).ToArray();
    }

    private static void Check<T>(IReadOnlyList<T>? values, string name)
    {
        if (values is null || values.Count == 0) throw new ArgumentException($"The search space's {name} list is empty; give at least one value.", name);
    }
}
