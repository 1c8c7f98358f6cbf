using MspMigration.Engine.Stores;
using MspMigration.Engine.Stores.Local;
using MspMigration.Engine.Transfer;

namespace MspMigration.Tests.Unit.Stores.Local;

/// <summary>
/// A source file that changes between the first byte read and the last must fail the read: the
/// bytes may mix two versions and a checksum of them cannot tell. Both ways of calling the file system.
/// </summary>
public sealed class LocalSourceChangeTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("msp-change-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Seed(string key, int size, byte fill)
    {
        var path = Path.Combine(_root, key);
        File.WriteAllBytes(path, Enumerable.Repeat(fill, size).ToArray());
        // File times move in clock ticks of a few milliseconds: let the next write land in another one.
        Thread.Sleep(30);
        return path;
    }

    private static async Task<long> ReadHalfAsync(Stream s, int size)
    {
        var buffer = new byte[size / 2];
        await s.ReadExactlyAsync(buffer);
        return buffer.Length;
    }

    private static async Task DrainAsync(Stream s)
    {
        var buffer = new byte[64 * 1024];
        while (await s.ReadAsync(buffer) > 0) { }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_file_rewritten_in_place_mid_read_fails_as_changed(bool libc)
    {
        var path = Seed("f", 1 << 20, 1);
        await using var store = new LocalObjectStore(_root, libc);
        await using var reader = await store.OpenReadAsync("f", CancellationToken.None);
        await ReadHalfAsync(reader.Content, 1 << 20);
        using (var f = new FileStream(path, FileMode.Open, FileAccess.Write)) f.Write(Enumerable.Repeat((byte)2, 1 << 20).ToArray());
        var e = await Assert.ThrowsAsync<StoreException>(() => DrainAsync(reader.Content));
        Assert.Equal(StoreErrorKind.SourceChanged, e.Kind);
        Assert.Contains("changed while it was being read", e.Message);
        Assert.Contains("'f'", e.Message);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_file_grown_while_read_fails_even_if_the_reader_stops_at_the_announced_size(bool libc)
    {
        var path = Seed("g", 4096, 1);
        await using var store = new LocalObjectStore(_root, libc);
        await using var reader = await store.OpenReadAsync("g", CancellationToken.None);
        File.AppendAllText(path, "more");
        var buffer = new byte[4096];
        var e = await Assert.ThrowsAsync<StoreException>(() => reader.Content.ReadExactlyAsync(buffer).AsTask());
        Assert.Equal(StoreErrorKind.SourceChanged, e.Kind);
        Assert.Contains("size 4096 -> 4100", e.Message);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_file_replaced_by_another_while_read_fails(bool libc)
    {
        var path = Seed("r", 8192, 1);
        await using var store = new LocalObjectStore(_root, libc);
        await using var reader = await store.OpenReadAsync("r", CancellationToken.None);
        await ReadHalfAsync(reader.Content, 8192);
        var other = Seed("other", 8192, 3);
        File.Move(other, path, overwrite: true);
        var e = await Assert.ThrowsAsync<StoreException>(() => DrainAsync(reader.Content));
        Assert.Equal(StoreErrorKind.SourceChanged, e.Kind);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_file_left_alone_reads_whole_and_reports_the_version_read(bool libc)
    {
        var path = Seed("s", 100_000, 7);
        await using var store = new LocalObjectStore(_root, libc);
        await using var reader = await store.OpenReadAsync("s", CancellationToken.None);
        using var copy = new MemoryStream();
        await reader.Content.CopyToAsync(copy);
        Assert.Equal(100_000, copy.Length);
        Assert.Equal(100_000, reader.Info.Size);
        Assert.Equal(File.GetLastWriteTimeUtc(path), reader.Info.LastModified.UtcDateTime);
    }

    [Fact]
    public void The_copier_retries_a_changed_source() =>
        Assert.True(ObjectCopier.IsTransient(new StoreException(StoreErrorKind.SourceChanged, "changed")));
}
