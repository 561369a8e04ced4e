using LstmMlNet.Data;

namespace LstmMlNet.Tests.Training;

/// <summary>The adding problem (Hochreiter &amp; Schmidhuber 1997): each step carries a value in U(0, 1) and a
/// marker; exactly two steps are marked (one in each half) and the target is the sum of their values. Predicting
/// the mean (1.0) gives MSE 1/6 ≈ 0.167.</summary>
internal static class AddingProblem
{
    public static SequenceDataset Create(int count, int steps, int seed)
    {
        var random = new Random(seed);
        var frames = new float[count][];
        var targets = new float[count];
        for (int n = 0; n < count; n++)
        {
            var f = new float[steps * 2];
            for (int t = 0; t < steps; t++) f[2 * t] = (float)random.NextDouble();
            int a = random.Next(steps / 2);
            int b = steps / 2 + random.Next(steps - steps / 2);
            f[2 * a + 1] = 1f;
            f[2 * b + 1] = 1f;
            frames[n] = f;
            targets[n] = f[2 * a] + f[2 * b];
        }
        return SequenceDataset.FromFrames(frames, 2, targets, 1);
    }
}
