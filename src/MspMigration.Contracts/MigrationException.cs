namespace MspMigration;

/// <summary>Broad kind of a migration error; the cmdlets map it to a PowerShell ErrorCategory.</summary>
public enum MigrationErrorKind
{
    InvalidArgument,
    ObjectNotFound,
    ResourceExists,
    InvalidOperation,
    PermissionDenied,
    ConnectionError,
    InvalidData,
    NotImplemented,
}

/// <summary>
/// An error with a stable identifier (the PowerShell ErrorId) and the offending value as target.
/// Messages never carry secrets.
/// </summary>
public class MigrationException : Exception
{
    public MigrationException(string errorId, MigrationErrorKind kind, string message, object? target = null, Exception? inner = null)
        : base(message, inner)
    {
        ErrorId = errorId;
        Kind = kind;
        Target = target;
    }

    public string ErrorId { get; }
    public MigrationErrorKind Kind { get; }
    public object? Target { get; }
}
