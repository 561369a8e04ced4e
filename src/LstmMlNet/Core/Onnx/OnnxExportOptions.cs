namespace LstmMlNet.Onnx;

/// <summary>How <see cref="OnnxExporter"/> writes a network.</summary>
/// <param name="Head">The activation applied to the head output to give <paramref name="ScoreName"/>.</param>
/// <param name="InputName">Name of the graph input: int64 token ids [1, N] or float frames [1, N] (N = steps·F).</param>
/// <param name="ScoreName">Name of the graph output: the head output after the activation, float [1, K].</param>
/// <param name="LogitName">When set, a second graph output with the raw head output [1, K].</param>
/// <param name="FrameMean">Frames only: per-feature mean (F values) subtracted before the network; null = 0.</param>
/// <param name="FrameScale">Frames only: per-feature factor (F values) applied after the mean; null = 1.</param>
/// <param name="Metadata">Extra entries for the model's metadata_props; they override the exporter's own on equal keys.</param>
/// <param name="MaxLength">When &gt; 0, only the first MaxLength steps of a row are read (the trainers' truncation policy).</param>
/// <param name="StepOutputs">When K &gt; 0, no pooling: the head runs on each of the last K steps' encoder outputs (as
/// <c>SequenceNetwork.ForwardSteps</c>) and the output is [1, K·Outputs], step-major. Rows must have at least K steps.</param>
/// <param name="BatchSteps">When S &gt; 0 (frames with StepOutputs only): a batch of windows of exactly S steps each —
/// input frames [B, S·F], output [B, K·Outputs], B symbolic; the recurrent nodes run the B windows as one batch. No input
/// guard is written (the caller's graph makes a row with a non-finite value NaN itself) and rows are not truncated or
/// padded.</param>
internal sealed record OnnxExportOptions(
    OnnxHead Head,
    string InputName = "Input",
    string ScoreName = "Score",
    string? LogitName = null,
    float[]? FrameMean = null,
    float[]? FrameScale = null,
    IReadOnlyDictionary<string, string>? Metadata = null,
    int MaxLength = 0,
    int StepOutputs = 0,
    int BatchSteps = 0);
