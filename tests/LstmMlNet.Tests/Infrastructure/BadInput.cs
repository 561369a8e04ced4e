using Microsoft.ML;

namespace LstmMlNet.Tests.Infrastructure;

/// <summary>Input an estimator must reject: <paramref name="Data"/> differs from the good input in column
/// <paramref name="Column"/> (missing, or of the wrong type), and every error must name that column. When
/// <paramref name="ModelReads"/> (a feature column, not a label) the fitted model must reject it too.</summary>
internal sealed record BadInput(string What, IDataView Data, string Column, bool ModelReads = true);
