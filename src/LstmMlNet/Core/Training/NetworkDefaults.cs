namespace LstmMlNet;

/// <summary>The network settings a <see cref="RecurrentNetworkOptions"/> reports for the members nobody set: the type's
/// own (<see cref="RecurrentNetworkOptions.TypeDefaults"/>) until the instance is held by a trainer's or the forecaster's
/// options, then that owner's (<see cref="LstmTrainerOptions.Defaults"/>, <see cref="LstmForecastingOptions.Defaults"/>).
/// </summary>
internal sealed record NetworkDefaults(RecurrentCellKind Cell, int HiddenSize, int Layers, bool Bidirectional, double Dropout);
