using System.Reflection;
using Microsoft.ML;

namespace LstmMlNet.Tests.Infrastructure;

/// <summary>The <see cref="SchemaShape"/> of a <see cref="DataViewSchema"/>, as ML.NET's pipelines build it (its internal
/// <c>SchemaShape.Create</c>, reached by reflection: hidden columns left out, annotations kept).</summary>
internal static class SchemaShapes
{
    private static readonly MethodInfo Create = typeof(SchemaShape).GetMethod("Create", BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public, null, new[] { typeof(DataViewSchema) }, null)
        ?? throw new InvalidOperationException("Microsoft.ML has no SchemaShape.Create(DataViewSchema), which the tests use to build input schema shapes.");

    public static SchemaShape Of(DataViewSchema schema) => (SchemaShape)Create.Invoke(null, new object[] { schema })!;
}
