using System.Management.Automation;

namespace MspMigration.Cmdlets.Infrastructure;

/// <summary>Turns engine failures into ErrorRecords with a stable ErrorId, category and target.</summary>
internal static class ErrorRecords
{
    public static ErrorRecord From(Exception exception)
    {
        if (exception is AggregateException { InnerExceptions.Count: 1 } aggregate)
            exception = aggregate.InnerExceptions[0];
        return exception switch
        {
            MigrationException m => new ErrorRecord(m, m.ErrorId, Category(m.Kind), m.Target),
            OperationCanceledException => new ErrorRecord(exception, "OperationStopped", ErrorCategory.OperationStopped, null),
            _ => new ErrorRecord(exception, "UnexpectedError", ErrorCategory.NotSpecified, null),
        };
    }

    public static ErrorRecord Create(string errorId, ErrorCategory category, string message, object? target) =>
        new(new MigrationException(errorId, MigrationErrorKind.InvalidArgument, message, target), errorId, category, target);

    /// <summary>
    /// A task that finished, but not cleanly: reported as an error so that scripts and
    /// `pwsh -c` see a failed migration ($? false, a non-zero exit code).
    /// </summary>
    public static ErrorRecord TaskNotClean(MigrationStatus status)
    {
        var name = status.TaskName;
        return status.State == MigrationTaskState.CompletedWithFailures
            ? new ErrorRecord(new MigrationException("TaskCompletedWithFailures", MigrationErrorKind.InvalidData,
                  $"Task '{name}' completed with {status.Failed:N0} failed objects of {status.Total:N0}{Archived(status)}; " +
                  $"list them with: Export-FailedObjects -Name '{name}'", name),
                  "TaskCompletedWithFailures", ErrorCategory.InvalidResult, name)
            : new ErrorRecord(new MigrationException("TaskFailed", MigrationErrorKind.InvalidOperation,
                  $"Task '{name}' failed: {status.StateReason ?? "no reason recorded"}", name),
                  "TaskFailed", ErrorCategory.OperationStopped, name);
    }

    /// <summary>
    /// A task whose destination is not shown consistent with its source: an error, so that
    /// scripts and `pwsh -c` see it ($? false, exit code 1).
    /// </summary>
    public static ErrorRecord TaskNotConsistent(ConsistencySummary summary)
    {
        var name = summary.TaskName;
        var parts = new[]
        {
            (summary.Missing, "missing"), (summary.SizeDiffers, "of another size"), (summary.ContentDiffers, "with other content"),
            (summary.ExtraAtDestination, "extra at the destination"), (summary.Unverifiable, "unverifiable"),
        }.Where(p => p.Item1 > 0).Select(p => $"{p.Item1:N0} {p.Item2}");
        return new ErrorRecord(new MigrationException("TaskNotConsistent", MigrationErrorKind.InvalidData,
                $"Task '{name}' is not consistent: {string.Join(", ", parts)} (of {summary.SourceObjects:N0} objects at the source). " +
                $"Test-MigrationTask -Name '{name}' -Path report.csv writes them down{(summary.Deep || summary.Unverifiable == 0 ? "" : "; -Deep reads both sides of the unverifiable ones")}.", name),
            "TaskNotConsistent", ErrorCategory.InvalidResult, name);
    }

    private static string Archived(MigrationStatus s) => s.Archived > 0 ? $" and {s.Archived:N0} archived at the source, not restored" : "";

    /// <summary>A task still unfinished when Wait-MigrationTask's -Timeout ran out.</summary>
    public static ErrorRecord WaitTimedOut(MigrationStatus status, int timeoutSeconds)
    {
        var name = status.TaskName;
        return new ErrorRecord(new MigrationException("WaitTimedOut", MigrationErrorKind.InvalidOperation,
                $"Task '{name}' did not finish within {timeoutSeconds} s: it is {status.State}, " +
                $"{status.Succeeded + status.Skipped + status.Failed + status.Archived:N0} of {status.Total:N0}{(status.ListingComplete ? "" : "+")} objects done. " +
                "Its agents carry on; wait again or check them with Get-MigrationAgent.", name),
            "WaitTimedOut", ErrorCategory.OperationTimeout, name);
    }

    private static ErrorCategory Category(MigrationErrorKind kind) => kind switch
    {
        MigrationErrorKind.InvalidArgument => ErrorCategory.InvalidArgument,
        MigrationErrorKind.ObjectNotFound => ErrorCategory.ObjectNotFound,
        MigrationErrorKind.ResourceExists => ErrorCategory.ResourceExists,
        MigrationErrorKind.InvalidOperation => ErrorCategory.InvalidOperation,
        MigrationErrorKind.PermissionDenied => ErrorCategory.PermissionDenied,
        MigrationErrorKind.ConnectionError => ErrorCategory.ConnectionError,
        MigrationErrorKind.InvalidData => ErrorCategory.InvalidData,
        MigrationErrorKind.NotImplemented => ErrorCategory.NotImplemented,
        _ => ErrorCategory.NotSpecified,
    };
}
