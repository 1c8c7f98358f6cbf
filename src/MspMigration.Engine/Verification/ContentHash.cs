using MspMigration.Engine.Stores;
using MspMigration.Engine.Streams;

namespace MspMigration.Engine.Verification;

/// <summary>Reads one object whole and returns how many bytes it held and their CRC-64/XZ.</summary>
internal static class ContentHash
{
    public static async Task<(long Bytes, ulong Crc64)> ReadAsync(IObjectStore store, string key, CancellationToken ct)
    {
        await using var reader = await store.OpenReadAsync(key, ct).ConfigureAwait(false);
        await using var hashing = new HashingReadStream(reader.Content, leaveOpen: true);
        await hashing.CopyToAsync(Stream.Null, ct).ConfigureAwait(false);
        return (hashing.BytesRead, hashing.Crc64);
    }
}
