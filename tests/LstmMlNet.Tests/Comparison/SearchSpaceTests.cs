using LstmMlNet.Comparison;
using LstmMlNet.Engine;

namespace LstmMlNet.Tests.Comparison;

public sealed class SearchSpaceTests
{
    private static readonly RecurrentSearchSpace Space = new()
    {
        Cells = new[] { RecurrentCellKind.Lstm, RecurrentCellKind.Gru, RecurrentCellKind.RnnTanh },
        HiddenSizes = new[] { 32, 64 },
        Bidirectional = new[] { true, false },
        LearningRates = new[] { 1e-3, 3e-3 },
    };

    [Fact]
    public void Grid_enumerates_every_combination_once_with_cells_slowest_and_learning_rates_fastest()
    {
        IReadOnlyList<RecurrentConfiguration> grid = Space.Grid();
        Assert.Equal(24, Space.Size);
        Assert.Equal(24, grid.Count);
        Assert.Equal(24, grid.Distinct().Count());
        Assert.Equal(new RecurrentConfiguration(RecurrentCellKind.Lstm, 32, 1, true, PoolingKind.Max, 1e-3), grid[0]);
        Assert.Equal(new RecurrentConfiguration(RecurrentCellKind.Lstm, 32, 1, true, PoolingKind.Max, 3e-3), grid[1]);
        Assert.Equal(new RecurrentConfiguration(RecurrentCellKind.Lstm, 32, 1, false, PoolingKind.Max, 1e-3), grid[2]);
        Assert.All(grid.Take(8), c => Assert.Equal(RecurrentCellKind.Lstm, c.Cell));
        Assert.All(grid.Skip(16), c => Assert.Equal(RecurrentCellKind.RnnTanh, c.Cell));
    }

    [Fact]
    public void Default_space_has_no_learning_rate_axis_so_each_candidate_keeps_its_own_default()
    {
        var space = new RecurrentSearchSpace();
        IReadOnlyList<RecurrentConfiguration> grid = space.Grid();
        Assert.Equal(4, space.Size);
        Assert.All(grid, c => Assert.Null(c.LearningRate));
        Assert.Equal(new[] { "BiLstm H64 L1 Max", "BiLstm H128 L1 Max", "BiGru H64 L1 Max", "BiGru H128 L1 Max" }, grid.Select(c => c.Describe()));
        Assert.Equal("default", grid[0].ToDictionary()["LearningRate"]);
        Assert.Equal("Lstm H32 L1 lr=0.003", (grid[0] with { Bidirectional = false, HiddenSize = 32, LearningRate = 3e-3 }).Describe(includePooling: false));
    }

    [Fact]
    public void Random_search_draws_distinct_grid_points_reproducibly_for_a_seed()
    {
        IReadOnlyList<RecurrentConfiguration> a = Space.Sample(10, seed: 7);
        IReadOnlyList<RecurrentConfiguration> b = Space.Sample(10, seed: 7);
        IReadOnlyList<RecurrentConfiguration> c = Space.Sample(10, seed: 8);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.Equal(10, a.Distinct().Count());
        Assert.All(a, x => Assert.Contains(x, Space.Grid()));
        Assert.Equal(24, Space.Sample(100, seed: 7).Count);
    }

    [Fact]
    public void Options_pick_grid_prefix_random_draws_or_nothing()
    {
        var grid = new ComparisonOptions { SearchSpace = Space, MaxRecurrentTrials = 5 };
        Assert.Equal(Space.Grid().Take(5), grid.Configurations());
        var random = new ComparisonOptions { SearchSpace = Space, Strategy = SearchStrategy.Random, Seed = 3, MaxRecurrentTrials = 8 };
        Assert.Equal(Space.Sample(8, 3), random.Configurations());
        Assert.False(random.DrawsWhileBudgetLasts);
        // No cap: every distinct configuration in the seeded order, drawn while the budget lasts (the first 8 as before).
        var open = new ComparisonOptions { SearchSpace = Space, Strategy = SearchStrategy.Random, Seed = 3 };
        Assert.Equal(Space.Sample(24, 3), open.Configurations());
        Assert.Equal(Space.Sample(8, 3), open.Configurations().Take(8));
        Assert.True(open.DrawsWhileBudgetLasts);
        Assert.False(new ComparisonOptions { SearchSpace = Space }.DrawsWhileBudgetLasts);
        Assert.Empty(new ComparisonOptions { IncludeRecurrent = false }.Configurations());
    }

    [Fact]
    public void Automatic_text_encoders_follow_each_point_with_its_MiniLM_twin_and_a_given_list_is_kept()
    {
        PretrainedTextEncoder[] minilm = { PretrainedTextEncoder.MiniLM };
        var space = new RecurrentSearchSpace();
        Assert.Null(space.TextEncoders);
        Assert.Equal(4, space.Size);
        Assert.All(space.Grid(), c => Assert.Equal(PretrainedTextEncoder.None, c.TextEncoder));
        var grid = new ComparisonOptions { SearchSpace = space };
        Assert.Equal(new[] { "BiLstm H64 L1 Max", "MiniLM BiLstm H64 L1 Max", "BiLstm H128 L1 Max", "MiniLM BiLstm H128 L1 Max",
                "BiGru H64 L1 Max", "MiniLM BiGru H64 L1 Max", "BiGru H128 L1 Max", "MiniLM BiGru H128 L1 Max" },
            grid.Configurations(minilm).Select(c => c.Describe()));
        Assert.Equal(space.Grid(), grid.Configurations());   // no encoder to add (not text, or no package): as before
        var random = new ComparisonOptions { SearchSpace = space, Strategy = SearchStrategy.Random, Seed = 3 };
        IReadOnlyList<RecurrentConfiguration> drawn = random.Configurations(minilm);
        Assert.Equal(space.Sample(4, 3), drawn.Where((_, i) => i % 2 == 0));
        Assert.Equal(space.Sample(4, 3).Select(c => c with { TextEncoder = PretrainedTextEncoder.MiniLM }), drawn.Where((_, i) => i % 2 == 1));
        // A list given is the grid's outermost axis, whatever the comparison could add.
        var given = new RecurrentSearchSpace { TextEncoders = new[] { PretrainedTextEncoder.None } };
        Assert.Equal(given.Grid(), new ComparisonOptions { SearchSpace = given }.Configurations(minilm));
        Assert.Equal("TextEncoders", Assert.Throws<ArgumentException>(() => new RecurrentSearchSpace { TextEncoders = Array.Empty<PretrainedTextEncoder>() }.Validate()).ParamName);
    }

    [Fact]
    public void Empty_or_invalid_lists_and_bad_options_throw_naming_the_setting()
    {
        Assert.Equal("HiddenSizes", Assert.Throws<ArgumentException>(() => new RecurrentSearchSpace { HiddenSizes = Array.Empty<int>() }.Grid()).ParamName);
        Assert.Equal("LearningRates", Assert.Throws<ArgumentException>(() => new RecurrentSearchSpace { LearningRates = new[] { 0.0 } }.Validate()).ParamName);
        Assert.Equal("Folds", Assert.Throws<ArgumentOutOfRangeException>(() => new ComparisonOptions { Folds = 1 }.Validate(ComparisonTask.Regression)).ParamName);
        Assert.Equal("Metric", Assert.Throws<ArgumentException>(() =>
            new ComparisonOptions { Metric = ComparisonMetric.MacroAccuracy }.Validate(ComparisonTask.BinaryClassification)).ParamName);
        Assert.Equal("TimeBudget", Assert.Throws<ArgumentOutOfRangeException>(() =>
            new ComparisonOptions { TimeBudget = TimeSpan.Zero }.Validate(ComparisonTask.Forecasting)).ParamName);
    }
}
