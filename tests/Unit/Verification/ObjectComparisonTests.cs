using MspMigration.Engine.ControlPlane;
using MspMigration.Engine.Stores;
using MspMigration.Engine.Verification;

namespace MspMigration.Tests.Unit.Verification;

public sealed class ObjectComparisonTests
{
    private static readonly DateTimeOffset T = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
    private static readonly ComparisonContext S3 = new(SameNamePolicy.Overwrite, DestinationKeepsTimes: false);
    private static readonly ComparisonContext Local = new(SameNamePolicy.Overwrite, DestinationKeepsTimes: true);
    private const string Md5A = "\"0123456789abcdef0123456789abcdef\"";
    private const string Md5B = "\"fedcba9876543210fedcba9876543210\"";

    private static ObjectInfo O(long size = 10, string? etag = null, ulong? crc = null, DateTimeOffset? time = null) => new("k", size, time ?? T, etag, crc);
    private static JournalEntry J(ObjectOutcome outcome, ulong? crc = null, string? etag = null, string? error = null, long size = 10) =>
        new("k", size, T, etag, outcome, crc, error);

    [Fact]
    public void Presence_decides_first_and_the_journal_says_why_an_object_is_missing()
    {
        Assert.Equal(ConsistencyDifferenceKind.ExtraAtDestination, ObjectComparison.Compare(null, O(), null, S3).Kind);
        Assert.Contains("no longer at the source", ObjectComparison.Compare(null, O(), J(ObjectOutcome.Succeeded), S3).Reason);
        Assert.Contains("new at the source", ObjectComparison.Compare(O(), null, null, S3).Reason);
        var failed = ObjectComparison.Compare(O(), null, J(ObjectOutcome.Failed, error: "Access denied"), S3);
        Assert.Equal((ConsistencyDifferenceKind.Missing, true), (failed.Kind!.Value, failed.Reason.Contains("Access denied")));
        Assert.Contains("pending", ObjectComparison.Compare(O(), null, J(ObjectOutcome.Pending), S3).Reason);
    }

    [Fact]
    public void Size_then_crc64_then_md5_etags_decide()
    {
        Assert.Equal(ConsistencyDifferenceKind.SizeDiffers, ObjectComparison.Compare(O(10, Md5A), O(3, Md5A), null, S3).Kind);
        var crc = ObjectComparison.Compare(O(crc: 1, etag: Md5A), O(crc: 2, etag: Md5A), null, S3);
        Assert.Equal((ConsistencyDifferenceKind.ContentDiffers, ConsistencyEvidence.Crc64), (crc.Kind!.Value, crc.Evidence));
        Assert.True(ObjectComparison.Compare(O(crc: 1), O(crc: 1), null, S3).IsConsistent);
        var md5 = ObjectComparison.Compare(O(etag: Md5A), O(etag: Md5B), null, S3);
        Assert.Equal((ConsistencyDifferenceKind.ContentDiffers, ConsistencyEvidence.Md5ETag), (md5.Kind!.Value, md5.Evidence));
        Assert.Equal(ConsistencyEvidence.Md5ETag, ObjectComparison.Compare(O(etag: Md5A), O(etag: Md5A.ToUpperInvariant()), null, S3).Evidence);
    }

    [Fact]
    public void Multipart_etags_are_not_content_hashes()
    {
        Assert.Null(ObjectComparison.Md5("\"0123456789abcdef0123456789abcdef-3\""));
        var f = ObjectComparison.Compare(O(etag: "\"0123456789abcdef0123456789abcdef-3\""), O(etag: "\"0123456789abcdef0123456789abcdef-3\""), null, S3);
        Assert.Equal(ConsistencyDifferenceKind.Unverifiable, f.Kind);
        Assert.Contains("-Deep", f.Reason);
    }

    [Fact]
    public void The_journals_crc64_checks_a_destination_that_reports_one_while_the_source_is_the_version_copied()
    {
        // A local source (no hash) copied to COS (CRC-64 in a header).
        var ok = ObjectComparison.Compare(O(), O(crc: 5), J(ObjectOutcome.Succeeded, crc: 5), S3);
        Assert.Equal((true, ConsistencyEvidence.JournalCrc64), (ok.IsConsistent, ok.Evidence));
        var bad = ObjectComparison.Compare(O(), O(crc: 6), J(ObjectOutcome.Succeeded, crc: 5), S3);
        Assert.Equal((ConsistencyDifferenceKind.ContentDiffers, ConsistencyEvidence.JournalCrc64), (bad.Kind!.Value, bad.Evidence));
        // The source changed since the copy: the journal proves nothing about it.
        Assert.Equal(ConsistencyDifferenceKind.Unverifiable, ObjectComparison.Compare(O(time: T.AddHours(1)), O(crc: 5), J(ObjectOutcome.Succeeded, crc: 5), S3).Kind);
        // A failed or skipped object's journal holds no CRC of bytes written.
        Assert.Equal(ConsistencyDifferenceKind.Unverifiable, ObjectComparison.Compare(O(), O(crc: 5), J(ObjectOutcome.Skipped), S3).Kind);
    }

    [Fact]
    public void Same_size_and_time_counts_only_where_the_destination_keeps_times()
    {
        var local = ObjectComparison.Compare(O(time: T.AddMilliseconds(400)), O(), null, Local);
        Assert.Equal((true, ConsistencyEvidence.SizeAndTime), (local.IsConsistent, local.Evidence));
        var touched = ObjectComparison.Compare(O(), O(time: T.AddSeconds(5)), null, Local);
        Assert.Equal(ConsistencyDifferenceKind.Unverifiable, touched.Kind);
        Assert.Contains("modification times differ", touched.Reason);
        var s3 = ObjectComparison.Compare(O(), O(etag: Md5A), null, S3);
        Assert.Equal(ConsistencyDifferenceKind.Unverifiable, s3.Kind);
        Assert.Contains("the source reports no hash", s3.Reason);
    }

    [Fact]
    public void Reading_both_sides_overrides_what_the_stores_report()
    {
        var same = ObjectComparison.Compare(O(etag: Md5A), O(etag: Md5B), null, S3, new ReadHashes(10, 1, 10, 1));
        Assert.Equal((true, ConsistencyEvidence.Read), (same.IsConsistent, same.Evidence));
        Assert.Equal(ConsistencyDifferenceKind.ContentDiffers, ObjectComparison.Compare(O(), O(), null, Local, new ReadHashes(10, 1, 10, 2)).Kind);
        Assert.Equal(ConsistencyDifferenceKind.SizeDiffers, ObjectComparison.Compare(O(), O(), null, Local, new ReadHashes(10, 1, 9, 1)).Kind);
    }

    [Theory]
    [InlineData(SameNamePolicy.Skip, true)]
    [InlineData(SameNamePolicy.IfSourceNewer, true)]
    [InlineData(SameNamePolicy.Overwrite, false)]
    [InlineData(SameNamePolicy.IfDifferent, false)]
    public void A_difference_the_same_name_policy_kept_on_purpose_is_reported_and_says_so(SameNamePolicy policy, bool saysKept)
    {
        var f = ObjectComparison.Compare(O(etag: Md5A), O(etag: Md5B), J(ObjectOutcome.Skipped), new ComparisonContext(policy, false));
        Assert.Equal(ConsistencyDifferenceKind.ContentDiffers, f.Kind);
        Assert.Equal(saysKept, f.Reason.Contains($"policy {policy} kept the destination's own object"));
    }
}
