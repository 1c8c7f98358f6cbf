using MspMigration.Engine.ControlPlane;
using MspMigration.Engine.Stores;

namespace MspMigration.Engine.Verification;

/// <summary>What the comparison of one key found: a difference (Kind) or none, by which evidence, and why.</summary>
public sealed record Finding(ConsistencyDifferenceKind? Kind, ConsistencyEvidence Evidence, string Reason)
{
    public bool IsConsistent => Kind is null;
}

/// <summary>The bytes of both sides as a deep check read them.</summary>
public sealed record ReadHashes(long SourceBytes, ulong SourceCrc64, long DestinationBytes, ulong DestinationCrc64);

/// <summary>What the comparison needs to know of the task and its stores.</summary>
/// <param name="DestinationKeepsTimes">The destination keeps the source's modification time, so equal times are evidence.</param>
public sealed record ComparisonContext(SameNamePolicy Policy, bool DestinationKeepsTimes);

/// <summary>
/// Compares one key of a task by the strongest evidence both sides offer: presence, size, then
/// CRC-64 on both sides, single-part (MD5) ETags on both sides, the destination's CRC-64 against
/// the journal's CRC-64 of the bytes written, and last same size and time where the destination
/// keeps times. Pure: the caller brings what listings, HEADs and (for -Deep) reads returned.
/// </summary>
public static class ObjectComparison
{
    public static Finding Compare(ObjectInfo? source, ObjectInfo? destination, JournalEntry? journal, ComparisonContext context, ReadHashes? read = null)
    {
        if (source is null && destination is null) throw new ArgumentException("Nothing to compare.");
        if (source is null)
            return new(ConsistencyDifferenceKind.ExtraAtDestination, ConsistencyEvidence.None, journal?.Outcome == ObjectOutcome.Succeeded
                ? "copied by this task, but no longer at the source"
                : "inside the task's prefix and filters, but not at the source");
        if (destination is null) return new(ConsistencyDifferenceKind.Missing, ConsistencyEvidence.None, WhyMissing(journal));

        var kept = KeptByPolicy(journal, context.Policy);
        if (read is { } r)
        {
            if (r.SourceBytes != r.DestinationBytes)
                return new(ConsistencyDifferenceKind.SizeDiffers, ConsistencyEvidence.Read, $"read {r.SourceBytes} bytes at the source, {r.DestinationBytes} at the destination{kept}");
            return r.SourceCrc64 == r.DestinationCrc64
                ? new(null, ConsistencyEvidence.Read, "the bytes read on both sides have the same CRC-64")
                : new(ConsistencyDifferenceKind.ContentDiffers, ConsistencyEvidence.Read,
                    $"CRC-64 of the bytes read: {r.SourceCrc64} at the source, {r.DestinationCrc64} at the destination{kept}");
        }
        if (source.Size != destination.Size)
            return new(ConsistencyDifferenceKind.SizeDiffers, ConsistencyEvidence.None, $"{source.Size} bytes at the source, {destination.Size} at the destination{kept}");

        if (source.Crc64 is { } sc && destination.Crc64 is { } dc)
            return sc == dc
                ? new(null, ConsistencyEvidence.Crc64, "same CRC-64 on both sides")
                : new(ConsistencyDifferenceKind.ContentDiffers, ConsistencyEvidence.Crc64, $"CRC-64 {sc} at the source, {dc} at the destination{kept}");
        if (Md5(source.ETag) is { } se && Md5(destination.ETag) is { } de)
            return string.Equals(se, de, StringComparison.OrdinalIgnoreCase)
                ? new(null, ConsistencyEvidence.Md5ETag, "same MD5 ETag on both sides")
                : new(ConsistencyDifferenceKind.ContentDiffers, ConsistencyEvidence.Md5ETag, $"ETag {se} at the source, {de} at the destination{kept}");
        if (journal is { Outcome: ObjectOutcome.Succeeded, Crc64: { } written } && destination.Crc64 is { } stored)
        {
            if (stored != written)
                return new(ConsistencyDifferenceKind.ContentDiffers, ConsistencyEvidence.JournalCrc64,
                    $"the destination's CRC-64 {stored} is not the {written} journaled for the bytes written");
            if (SourceUnchanged(source, journal))
                return new(null, ConsistencyEvidence.JournalCrc64, "the destination's CRC-64 is the one journaled for the bytes written, and the source is the version copied");
        }
        if (context.DestinationKeepsTimes && source.LastModified.ToUnixTimeSeconds() == destination.LastModified.ToUnixTimeSeconds())
            return new(null, ConsistencyEvidence.SizeAndTime, "same size and modification time");
        return new(ConsistencyDifferenceKind.Unverifiable, ConsistencyEvidence.None, WhyUnverifiable(source, destination, context) + kept);
    }

    /// <summary>The MD5 a single-part ETag is; null for none or a multipart ETag ("…-N"), which is not a content hash.</summary>
    public static string? Md5(string? etag)
    {
        if (etag is null) return null;
        var t = etag.Trim().Trim('"');
        return t.Length == 32 && t.All(Uri.IsHexDigit) ? t : null;
    }

    private static string WhyMissing(JournalEntry? journal) => journal switch
    {
        null => "not in the journal: new at the source since the task listed it (Restart-MigrationTask -Incremental copies it)",
        { Outcome: ObjectOutcome.Failed } => $"its copy failed: {journal.Error ?? "no reason recorded"}",
        { Outcome: ObjectOutcome.Pending } => "not copied yet (pending in the journal)",
        { Outcome: ObjectOutcome.Skipped } => "skipped by the same-name policy, and since removed from the destination",
        _ => "copied by this task, and since removed from the destination",
    };

    // Skip and IfSourceNewer keep a destination object the source differs from by design: the
    // difference is still reported (it is what the evidence shows), with why it is there.
    private static string KeptByPolicy(JournalEntry? journal, SameNamePolicy policy) =>
        journal?.Outcome == ObjectOutcome.Skipped && policy is SameNamePolicy.Skip or SameNamePolicy.IfSourceNewer
            ? $"; the same-name policy {policy} kept the destination's own object"
            : "";

    // The journal holds the version copied; the source is still that version when size and
    // ETag (where both are known) or else the modification time (to the second) agree.
    private static bool SourceUnchanged(ObjectInfo source, JournalEntry journal)
    {
        if (source.Size != journal.Size) return false;
        if (source.ETag is { } a && journal.ETag is { } b) return string.Equals(a.Trim('"'), b.Trim('"'), StringComparison.OrdinalIgnoreCase);
        return source.LastModified.ToUnixTimeSeconds() == journal.LastModified.ToUnixTimeSeconds();
    }

    private static string WhyUnverifiable(ObjectInfo source, ObjectInfo destination, ComparisonContext context)
    {
        var hashes = (source.Crc64 is not null || Md5(source.ETag) is not null, destination.Crc64 is not null || Md5(destination.ETag) is not null) switch
        {
            (false, false) => "neither side reports a hash of the bytes",
            (true, false) => "the destination reports no hash of the bytes",
            (false, true) => "the source reports no hash of the bytes",
            _ => "the two sides report hashes of different kinds",
        };
        var time = context.DestinationKeepsTimes ? " and the modification times differ" : "";
        return $"same size, but {hashes}{time}; -Deep reads both sides";
    }
}
