namespace LstmMlNet.Reference;

/// <summary>
/// A row-major <c>Rows × Cols</c> block of doubles inside a flat array, starting at <c>Offset</c>. The reference keeps
/// every tensor as a flat <see cref="T:double[]"/>; this view names a slice of one (a time step of <c>[T, N, I]</c>,
/// a weight matrix) as a matrix so the passes read as the matrix equations they implement. It owns no memory, and
/// every product accumulates (<c>+=</c>) into its target, which is what backpropagation needs.
/// </summary>
internal readonly struct Matrix
{
    public Matrix(double[] data, int offset, int rows, int cols)
    {
        if (offset < 0 || rows < 0 || cols < 0 || offset + (long)rows * cols > data.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(offset),
                $"A {rows}×{cols} block at offset {offset} does not fit in an array of {data.Length} values.");
        }
        Data = data;
        Offset = offset;
        Rows = rows;
        Cols = cols;
    }

    public double[] Data { get; }

    public int Offset { get; }

    public int Rows { get; }

    public int Cols { get; }

    public ref double this[int row, int col] => ref Data[Offset + row * Cols + col];

    /// <summary>The <paramref name="index"/>-th of the consecutive <c>rows × cols</c> blocks of
    /// <paramref name="data"/>: time step <c>t</c> of a <c>[T, N, X]</c> array is <c>Block(data, t, N, X)</c>.</summary>
    public static Matrix Block(double[] data, int index, int rows, int cols) => new(data, index * rows * cols, rows, cols);

    /// <summary><c>target += a · bᵀ</c> with a <c>[N, K]</c>, b <c>[M, K]</c>, target <c>[N, M]</c>
    /// (a batch of row vectors through a weight matrix in libtorch's <c>[out, in]</c> layout).</summary>
    public static void AddProductTransposed(Matrix a, Matrix b, Matrix target)
    {
        RequireShape(a.Cols == b.Cols && target.Rows == a.Rows && target.Cols == b.Rows, "a·bᵀ", a, b, target);
        for (int n = 0; n < a.Rows; n++)
        {
            for (int m = 0; m < b.Rows; m++)
            {
                double sum = 0;
                for (int k = 0; k < a.Cols; k++) sum += a[n, k] * b[m, k];
                target[n, m] += sum;
            }
        }
    }

    /// <summary><c>target += aᵀ · b</c> with a <c>[N, M]</c>, b <c>[N, K]</c>, target <c>[M, K]</c>
    /// (the gradient of a weight matrix: output gradients against the layer's inputs, summed over the batch).</summary>
    public static void AddTransposedProduct(Matrix a, Matrix b, Matrix target)
    {
        RequireShape(a.Rows == b.Rows && target.Rows == a.Cols && target.Cols == b.Cols, "aᵀ·b", a, b, target);
        for (int m = 0; m < a.Cols; m++)
        {
            for (int k = 0; k < b.Cols; k++)
            {
                double sum = 0;
                for (int n = 0; n < a.Rows; n++) sum += a[n, m] * b[n, k];
                target[m, k] += sum;
            }
        }
    }

    /// <summary><c>target += a · b</c> with a <c>[N, M]</c>, b <c>[M, K]</c>, target <c>[N, K]</c>
    /// (the gradient of a layer's input: output gradients back through the weight matrix).</summary>
    public static void AddProduct(Matrix a, Matrix b, Matrix target)
    {
        RequireShape(a.Cols == b.Rows && target.Rows == a.Rows && target.Cols == b.Cols, "a·b", a, b, target);
        for (int n = 0; n < a.Rows; n++)
        {
            for (int k = 0; k < b.Cols; k++)
            {
                double sum = 0;
                for (int m = 0; m < a.Cols; m++) sum += a[n, m] * b[m, k];
                target[n, k] += sum;
            }
        }
    }

    /// <summary><c>this[n, m] += vector[m]</c> for every row n: a bias added to each item of the batch.</summary>
    public void AddToEveryRow(double[] vector)
    {
        if (vector.Length != Cols) throw new InvalidOperationException($"A vector of {vector.Length} values added to rows of {Cols}.");
        for (int n = 0; n < Rows; n++)
        {
            for (int m = 0; m < Cols; m++) this[n, m] += vector[m];
        }
    }

    /// <summary><c>sums[m] += Σₙ this[n, m]</c>: the gradient of a bias that was added to every row.</summary>
    public void AddColumnSumsTo(double[] sums)
    {
        if (sums.Length != Cols) throw new InvalidOperationException($"Column sums of {Cols} columns into {sums.Length} values.");
        for (int m = 0; m < Cols; m++)
        {
            double sum = 0;
            for (int n = 0; n < Rows; n++) sum += this[n, m];
            sums[m] += sum;
        }
    }

    private static void RequireShape(bool ok, string product, Matrix a, Matrix b, Matrix target)
    {
        if (!ok)
        {
            throw new InvalidOperationException(
                $"{product}: a [{a.Rows}, {a.Cols}], b [{b.Rows}, {b.Cols}], target [{target.Rows}, {target.Cols}] do not conform.");
        }
    }
}
