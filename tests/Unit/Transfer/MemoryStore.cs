using System.Collections.Concurrent;
using MspMigration.Engine.Integrity;
using MspMigration.Engine.Stores;

namespace MspMigration.Tests.Unit.Transfer;

/// <summary>An in-memory store for unit tests of transfer logic, with programmable faults.</summary>
internal sealed class MemoryStore : IObjectStore
{
    public ConcurrentDictionary<string, byte[]> Objects { get; } = new();
    public ConcurrentDictionary<string, ulong> ReportedCrc { get; } = new();
    public ConcurrentDictionary<string, string> ETags { get; } = new();
    public Queue<Exception> ReadFaults { get; } = new();
    public Func<byte[], byte[]>? CorruptOnWrite { get; set; }
    public int Reads;
    public int Writes;
    public int Heads;

    public string Description => "memory://test";
    public StoreCapabilities Capabilities { get; } = new(true, true, true, HashKind.Crc64, false);

    public Task<ObjectPage> ListAsync(string? startAfter, int maxKeys, CancellationToken cancellationToken)
    {
        var keys = Objects.Keys.Where(k => startAfter is null || Utf8OrdinalComparer.Instance.Compare(k, startAfter) > 0)
            .Order(Utf8OrdinalComparer.Instance).Take(maxKeys + 1).ToList();
        var page = keys.Take(maxKeys).Select(Info).ToList();
        return Task.FromResult(new ObjectPage(page, keys.Count > maxKeys ? page[^1].Key : null));
    }

    public Task<ObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Heads);
        return Task.FromResult(Objects.ContainsKey(key) ? Info(key) : null);
    }

    public Task<ObjectReader> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Reads);
        lock (ReadFaults)
            if (ReadFaults.TryDequeue(out var fault)) throw fault;
        if (!Objects.TryGetValue(key, out var data)) throw new StoreException(StoreErrorKind.NotFound, $"'{key}' not found");
        return Task.FromResult(new ObjectReader(new MemoryStream(data), Info(key)));
    }

    public async Task<PutResult> PutAsync(string key, Stream content, long length, ObjectMetadata? metadata, DateTimeOffset? lastModified, byte[]? contentMd5, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Writes);
        var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, cancellationToken);
        var data = buffer.ToArray();
        if (CorruptOnWrite is not null) data = CorruptOnWrite(data);
        Objects[key] = data;
        return new PutResult(data.Length, Crc64Xz.Compute(data), null);
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        Objects.TryRemove(key, out _);
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private ObjectInfo Info(string key) =>
        new(key, Objects[key].Length, DateTimeOffset.UnixEpoch, ETags.GetValueOrDefault(key), ReportedCrc.TryGetValue(key, out var c) ? c : null);
}
