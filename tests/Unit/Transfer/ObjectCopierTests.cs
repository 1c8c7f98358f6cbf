using MspMigration.Engine.ControlPlane;
using MspMigration.Engine.Integrity;
using MspMigration.Engine.Stores;
using MspMigration.Engine.Transfer;

namespace MspMigration.Tests.Unit.Transfer;

public class ObjectCopierTests
{
    private static PendingObject Item(MemoryStore source, string key) =>
        new(1, 1, key, source.Objects[key].Length, DateTimeOffset.UnixEpoch, null, null);

    private sealed record Harness(ObjectCopier Copier, SameNamePolicy Policy)
    {
        public Task<ObjectOutcomeRecord> CopyAsync(PendingObject item, CancellationToken ct) =>
            Copier.CopyAsync(item, Policy, DestinationState.Unknown, ct);
    }

    private static Harness Copier(MemoryStore source, MemoryStore destination, SameNamePolicy policy = SameNamePolicy.Overwrite, int attempts = 3) =>
        new(new ObjectCopier(source, destination, attempts, baseDelay: TimeSpan.FromMilliseconds(1)), policy);

    [Fact]
    public async Task Copies_and_reports_size_and_crc()
    {
        var source = new MemoryStore();
        source.Objects["k"] = [1, 2, 3];
        var destination = new MemoryStore();
        var outcome = await Copier(source, destination).CopyAsync(Item(source, "k"), CancellationToken.None);
        Assert.Equal(ObjectOutcome.Succeeded, outcome.Outcome);
        Assert.Equal(3, outcome.Bytes);
        Assert.Equal(Crc64Xz.Compute([1, 2, 3]), outcome.Crc64);
        Assert.Equal([1, 2, 3], destination.Objects["k"]);
    }

    [Fact]
    public async Task Retries_transient_failures_then_succeeds()
    {
        var source = new MemoryStore();
        source.Objects["k"] = [9];
        source.ReadFaults.Enqueue(new StoreException(StoreErrorKind.Transient, "503 SlowDown"));
        source.ReadFaults.Enqueue(new IOException("connection reset"));
        var outcome = await Copier(source, new MemoryStore()).CopyAsync(Item(source, "k"), CancellationToken.None);
        Assert.Equal(ObjectOutcome.Succeeded, outcome.Outcome);
        Assert.Equal(3, outcome.Attempts);
    }

    [Fact]
    public async Task Gives_up_after_the_bounded_number_of_attempts()
    {
        var source = new MemoryStore();
        source.Objects["k"] = [9];
        for (var i = 0; i < 5; i++) source.ReadFaults.Enqueue(new StoreException(StoreErrorKind.Transient, "503", reason: FailureReason.Throttled));
        var outcome = await Copier(source, new MemoryStore(), attempts: 3).CopyAsync(Item(source, "k"), CancellationToken.None);
        Assert.Equal(ObjectOutcome.Failed, outcome.Outcome);
        Assert.Equal(3, outcome.Attempts);
        Assert.Contains("gave up after 3 attempts", outcome.Error);
        Assert.Equal(FailureReason.Throttled, outcome.Reason);
    }

    [Fact]
    public async Task Starts_again_after_a_changed_source_and_names_the_change_when_it_gives_up()
    {
        var source = new MemoryStore();
        source.Objects["k"] = [9];
        source.ReadFaults.Enqueue(new StoreException(StoreErrorKind.SourceChanged, "the source object changed while it was being copied"));
        var retried = await Copier(source, new MemoryStore()).CopyAsync(Item(source, "k"), CancellationToken.None);
        Assert.Equal(ObjectOutcome.Succeeded, retried.Outcome);
        Assert.Equal(2, retried.Attempts);

        for (var i = 0; i < 2; i++) source.ReadFaults.Enqueue(new StoreException(StoreErrorKind.SourceChanged, "the source object changed while it was being copied"));
        var failed = await Copier(source, new MemoryStore(), attempts: 2).CopyAsync(Item(source, "k"), CancellationToken.None);
        Assert.Equal(ObjectOutcome.Failed, failed.Outcome);
        Assert.Contains("gave up after 2 attempts", failed.Error);
        Assert.Contains("changed while it was being copied", failed.Error);
        Assert.Equal(FailureReason.SourceChanged, failed.Reason);
    }

    [Fact]
    public async Task Copies_the_version_read_when_it_is_not_the_one_listed_and_says_so()
    {
        // Listed as version v1 with its CRC; overwritten (same size) before the copy read it.
        var source = new MemoryStore();
        byte[] v1 = [1, 2, 3], v2 = [7, 8, 9];
        source.Objects["k"] = v2;
        source.ETags["k"] = "\"v2\"";
        var listed = new PendingObject(1, 1, "k", v1.Length, DateTimeOffset.UnixEpoch, "\"v1\"", Crc64Xz.Compute(v1));
        var destination = new MemoryStore();
        var outcome = await Copier(source, destination).CopyAsync(listed, CancellationToken.None);
        Assert.Equal(ObjectOutcome.Succeeded, outcome.Outcome);
        Assert.Equal(v2, destination.Objects["k"]);
        Assert.Equal("\"v2\"", outcome.Copied?.ETag);
        Assert.Equal(Crc64Xz.Compute(v2), outcome.Crc64);
    }

    [Fact]
    public async Task Persistent_failures_fail_at_once_with_the_reason()
    {
        var source = new MemoryStore();
        source.Objects["k"] = [9];
        source.ReadFaults.Enqueue(new StoreException(StoreErrorKind.AccessDenied, "access denied to 'k'"));
        var outcome = await Copier(source, new MemoryStore()).CopyAsync(Item(source, "k"), CancellationToken.None);
        Assert.Equal(ObjectOutcome.Failed, outcome.Outcome);
        Assert.Equal(1, outcome.Attempts);
        Assert.Equal("access denied to 'k'", outcome.Error);
        Assert.Equal(FailureReason.AccessDenied, outcome.Reason);
    }

    [Fact]
    public async Task A_wrong_source_checksum_fails_the_object()
    {
        var source = new MemoryStore();
        source.Objects["k"] = [1, 2, 3];
        source.ReportedCrc["k"] = 12345; // what the source claims, and not what it serves
        var outcome = await Copier(source, new MemoryStore()).CopyAsync(Item(source, "k"), CancellationToken.None);
        Assert.Equal(ObjectOutcome.Failed, outcome.Outcome);
        Assert.Contains("CRC-64", outcome.Error);
        Assert.Equal(FailureReason.IntegrityMismatch, outcome.Reason);
    }

    [Fact]
    public async Task Corruption_at_the_destination_is_never_reported_as_success()
    {
        var source = new MemoryStore();
        source.Objects["k"] = [1, 2, 3];
        var destination = new MemoryStore { CorruptOnWrite = d => [.. d.Reverse()] };
        var outcome = await Copier(source, destination).CopyAsync(Item(source, "k"), CancellationToken.None);
        Assert.Equal(ObjectOutcome.Failed, outcome.Outcome);
        Assert.Contains("destination reports", outcome.Error);
        Assert.Equal(FailureReason.IntegrityMismatch, outcome.Reason);
    }

    [Fact]
    public async Task Skip_policy_keeps_an_existing_destination_object()
    {
        var source = new MemoryStore();
        source.Objects["k"] = [1];
        var destination = new MemoryStore();
        destination.Objects["k"] = [2, 2];
        var outcome = await Copier(source, destination, SameNamePolicy.Skip).CopyAsync(Item(source, "k"), CancellationToken.None);
        Assert.Equal(ObjectOutcome.Skipped, outcome.Outcome);
        Assert.Equal([2, 2], destination.Objects["k"]);
        Assert.Equal(0, source.Reads);
    }

    [Fact]
    public async Task Cancellation_is_not_recorded_as_a_failure()
    {
        var source = new MemoryStore();
        source.Objects["k"] = [1];
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            Copier(source, new MemoryStore()).CopyAsync(Item(source, "k"), cts.Token));
    }

    [Theory]
    [InlineData(typeof(TimeoutException), FailureReason.Timeout)]
    [InlineData(typeof(TaskCanceledException), FailureReason.Timeout)]
    [InlineData(typeof(IOException), FailureReason.ConnectionFailed)]
    [InlineData(typeof(System.Net.Http.HttpRequestException), FailureReason.ConnectionFailed)]
    [InlineData(typeof(InvalidOperationException), FailureReason.Other)]
    public async Task Errors_no_store_mapped_are_given_a_reason_by_their_type(Type error, FailureReason expected)
    {
        var source = new MemoryStore();
        source.Objects["k"] = [9];
        source.ReadFaults.Enqueue((Exception)Activator.CreateInstance(error)!);
        var outcome = await Copier(source, new MemoryStore(), attempts: 1).CopyAsync(Item(source, "k"), CancellationToken.None);
        Assert.Equal((ObjectOutcome.Failed, expected), (outcome.Outcome, outcome.Reason));
    }
}
