using MspMigration.Engine.ControlPlane;
using MspMigration.Engine.Integrity;
using MspMigration.Engine.Stores;
using MspMigration.Engine.Transfer;

namespace MspMigration.Tests.Unit.Transfer;

/// <summary>The copier never reports success for bytes whose CRC-64 disagrees with either side.</summary>
public class ChecksumVerificationTests
{
    private static readonly byte[] Body = "the quick brown fox"u8.ToArray();
    private static readonly ulong RightCrc = Crc64Xz.Compute(Body);

    [Fact]
    public async Task Matching_checksums_succeed()
    {
        var outcome = await Copy(sourceCrc: RightCrc, destinationCrc: RightCrc);
        Assert.Equal(ObjectOutcome.Succeeded, outcome.Outcome);
        Assert.Equal(RightCrc, outcome.Crc64);
    }

    [Fact]
    public async Task A_wrong_destination_checksum_fails_the_object()
    {
        var outcome = await Copy(sourceCrc: RightCrc, destinationCrc: RightCrc ^ 1);
        Assert.Equal(ObjectOutcome.Failed, outcome.Outcome);
        Assert.Contains("destination reports", outcome.Error);
    }

    [Fact]
    public async Task A_wrong_source_checksum_fails_the_object()
    {
        var outcome = await Copy(sourceCrc: RightCrc + 7, destinationCrc: null);
        Assert.Equal(ObjectOutcome.Failed, outcome.Outcome);
        Assert.Contains("source reports", outcome.Error);
    }

    [Fact]
    public async Task Without_vendor_checksums_the_streamed_crc_is_recorded()
    {
        var outcome = await Copy(sourceCrc: null, destinationCrc: null);
        Assert.Equal(ObjectOutcome.Succeeded, outcome.Outcome);
        Assert.Equal(RightCrc, outcome.Crc64);
    }

    private static async Task<ObjectOutcomeRecord> Copy(ulong? sourceCrc, ulong? destinationCrc)
    {
        var source = new FakeStore(sourceCrc, null);
        var destination = new FakeStore(null, destinationCrc);
        var copier = new ObjectCopier(source, destination, maxAttempts: 2, baseDelay: TimeSpan.FromMilliseconds(1));
        var item = new PendingObject(1, 1, "k", Body.Length, DateTimeOffset.UtcNow, null, null);
        var outcome = await copier.CopyAsync(item, MspMigration.SameNamePolicy.Overwrite, DestinationState.Unknown, CancellationToken.None);
        return outcome;
    }

    /// <summary>Serves <see cref="Body"/> claiming <paramref name="readCrc"/>; accepts writes claiming <paramref name="writeCrc"/>.</summary>
    private sealed class FakeStore(ulong? readCrc, ulong? writeCrc) : IObjectStore
    {
        public string Description => "fake://";
        public StoreCapabilities Capabilities { get; } = new(true, true, false, HashKind.Crc64, false);
        public Task<ObjectPage> ListAsync(string? startAfter, int maxKeys, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<ObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken) => Task.FromResult<ObjectInfo?>(null);
        public Task<ObjectReader> OpenReadAsync(string key, CancellationToken cancellationToken) =>
            Task.FromResult(new ObjectReader(new MemoryStream(Body), new ObjectInfo(key, Body.Length, DateTimeOffset.UtcNow, null, readCrc)));
        public async Task<PutResult> PutAsync(string key, Stream content, long length, ObjectMetadata? metadata, DateTimeOffset? lastModified, byte[]? contentMd5, CancellationToken cancellationToken)
        {
            var copy = new MemoryStream();
            await content.CopyToAsync(copy, cancellationToken);
            return new PutResult(copy.Length, writeCrc, null);
        }
        public Task DeleteAsync(string key, CancellationToken cancellationToken) => Task.CompletedTask;
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
