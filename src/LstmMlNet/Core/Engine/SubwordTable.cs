namespace LstmMlNet.Data;

/// <summary>Bucket ids per embedding row, padded: <see cref="Indices"/> is [<see cref="Rows"/>, <see cref="Width"/>]
/// row-major with the padding id equal to the bucket count; <see cref="Counts"/>[r] = 1 + row r's bucket count.</summary>
internal sealed record SubwordTable(long[] Indices, int Rows, int Width, float[] Counts);
