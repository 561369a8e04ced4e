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
        var random = new ComparisonOptions { SearchSpace = Space, Strategy = SearchStrategy.Random, Seed = 3 };
        Assert.Equal(Space.Sample(8, 3), random.Configurations());
        Assert.Empty(new ComparisonOptions { IncludeRecurrent = false }.Configurations());
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
