namespace LstmMlNet.Engine;

/// <summary>What a network reads at each step.</summary>
internal enum SequenceInputKind
{
    /// <summary>Token ids (int64), looked up in a learned embedding. Id 0 is the out-of-vocabulary token.</summary>
    Tokens,

    /// <summary>Float frames of a fixed size (numeric sequences), optionally projected linearly.</summary>
    Frames,
}
