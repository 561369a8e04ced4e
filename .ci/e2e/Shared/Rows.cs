// Row types shared by the Trainer and the Scorer apps (copied beside each app's Program.cs by .ci/package-e2e.sh).

/// <summary>A sentence to classify.</summary>
internal sealed class Sentence
{
    public string Text { get; set; } = "";
}

/// <summary>The binary classifier's output columns.</summary>
internal sealed class SentimentPrediction
{
    public float Score { get; set; }
    public float Probability { get; set; }
    public bool PredictedLabel { get; set; }
}
