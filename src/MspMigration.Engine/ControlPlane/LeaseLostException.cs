namespace MspMigration.Engine.ControlPlane;

/// <summary>This agent's lease expired and another agent took the work over; stop that work quietly.</summary>
public sealed class LeaseLostException(string message) : Exception(message);
