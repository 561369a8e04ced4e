using System.Reflection;

namespace LstmMlNet.Engine;

/// <summary>
/// Maps each <see cref="RecurrentCellKind"/> to its <see cref="RecurrentCell"/>. The registry finds every sealed
/// subclass of <see cref="RecurrentCell"/> in this assembly that has a parameterless constructor, so adding a cell
/// is one file in <c>Engine/Cells</c> (plus its member of <see cref="RecurrentCellKind"/>).
/// </summary>
internal static class CellRegistry
{
    private static readonly Lazy<IReadOnlyDictionary<RecurrentCellKind, RecurrentCell>> Cells = new(Discover, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Every registered cell, in the order of <see cref="RecurrentCellKind"/>.</summary>
    public static IEnumerable<RecurrentCell> All => Cells.Value.OrderBy(kv => kv.Key).Select(kv => kv.Value);

    /// <summary>The cell of <paramref name="kind"/>; throws <see cref="ArgumentOutOfRangeException"/> for a kind with none.</summary>
    public static RecurrentCell For(RecurrentCellKind kind) =>
        Cells.Value.TryGetValue(kind, out RecurrentCell? cell) ? cell : throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown cell kind.");

    private static IReadOnlyDictionary<RecurrentCellKind, RecurrentCell> Discover()
    {
        var cells = new Dictionary<RecurrentCellKind, RecurrentCell>();
        foreach (Type type in LoadableTypes())
        {
            if (!type.IsSealed || !type.IsSubclassOf(typeof(RecurrentCell))) continue;
            ConstructorInfo constructor = type.GetConstructor(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic, Type.EmptyTypes)
                ?? throw new InvalidOperationException($"The cell {type.Name} needs a parameterless constructor.");
            var cell = (RecurrentCell)constructor.Invoke(null);
            if (!cells.TryAdd(cell.Kind, cell))
                throw new InvalidOperationException($"Two cells claim {cell.Kind}: {cells[cell.Kind].GetType().Name} and {type.Name}.");
        }
        return cells;
    }

    /// <summary>This assembly's types; where some cannot load (an optional dependency missing), the ones that can.</summary>
    private static IEnumerable<Type> LoadableTypes()
    {
        try
        {
            return typeof(RecurrentCell).Assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            return e.Types.OfType<Type>();
        }
    }
}
