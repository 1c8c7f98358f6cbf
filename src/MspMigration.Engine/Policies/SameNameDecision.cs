using MspMigration.Engine.Stores;

namespace MspMigration.Engine.Policies;

/// <summary>
/// The same-name policy as one pure decision, shared by the copier and the dry run.
/// </summary>
public static class SameNameDecision
{
    /// <summary>What to do with <paramref name="source"/> given what the destination holds under its key.</summary>
    public static (PlannedAction Action, string? Reason) Decide(SameNamePolicy policy, ObjectInfo source, ObjectInfo? existing)
    {
        if (existing is null) return (PlannedAction.Copy, null);
        return policy switch
        {
            SameNamePolicy.Overwrite => (PlannedAction.Overwrite, "the destination object is replaced"),
            SameNamePolicy.Skip => (PlannedAction.Skip, "the destination already has this key"),
            SameNamePolicy.IfSourceNewer => source.LastModified > existing.LastModified
                ? (PlannedAction.Overwrite, "the source is newer")
                : (PlannedAction.Skip, "the destination is as new or newer"),
            SameNamePolicy.IfDifferent => Same(source, existing) is { } why
                ? (PlannedAction.Skip, why)
                : (PlannedAction.Overwrite, "size or content differs"),
            _ => (PlannedAction.Overwrite, null),
        };
    }

    /// <summary>
    /// Returns why two objects are the same, or null when they differ or sameness cannot be shown:
    /// "different unless proven the same" never leaves a stale object behind.
    /// </summary>
    private static string? Same(ObjectInfo a, ObjectInfo b)
    {
        if (a.Size != b.Size) return null;
        if (a.Crc64 is { } ca && b.Crc64 is { } cb) return ca == cb ? "same size and CRC-64" : null;
        // Single-part ETags are content MD5s on every S3-compatible service; multipart ones are not comparable.
        if (a.ETag is { } ea && b.ETag is { } eb && !ea.Contains('-') && !eb.Contains('-'))
            return string.Equals(ea.Trim('"'), eb.Trim('"'), StringComparison.OrdinalIgnoreCase) ? "same size and ETag" : null;
        // Copies keep the source's modification time where the destination can (local directories).
        if (a.LastModified == b.LastModified) return "same size and modification time";
        return null;
    }
}
