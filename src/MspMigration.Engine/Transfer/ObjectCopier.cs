using MspMigration.Engine.Configuration;
using MspMigration.Engine.ControlPlane;
using MspMigration.Engine.Integrity;
using MspMigration.Engine.Stores;

namespace MspMigration.Engine.Transfer;

/// <summary>
/// Copies one object as a stream, verifying size and CRC-64/XZ on the way, and retries
/// transient failures a bounded number of times with exponential backoff and jitter.
/// Never reports success for an object that did not verify.
/// </summary>
public sealed class ObjectCopier
{
    private readonly IObjectStore _source;
    private readonly IObjectStore _destination;
    private readonly SameNamePolicy _policy;
    private readonly int _maxAttempts;
    private readonly TimeSpan _baseDelay;
    private readonly Action<long>? _onBytes;

    public ObjectCopier(IObjectStore source, IObjectStore destination, SameNamePolicy policy, int maxAttempts,
        Action<long>? onBytes = null, TimeSpan? baseDelay = null)
    {
        _source = source;
        _destination = destination;
        _policy = policy;
        _maxAttempts = Math.Max(1, maxAttempts);
        _onBytes = onBytes;
        _baseDelay = baseDelay ?? TimeSpan.FromMilliseconds(200);
    }

    public async Task<ObjectOutcomeRecord> CopyAsync(PendingObject item, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var (outcome, bytes, crc) = await CopyOnceAsync(item, cancellationToken).ConfigureAwait(false);
                return new ObjectOutcomeRecord(item.TaskId, item.SegmentId, item.Key, outcome, bytes, crc, attempt, null);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                var transient = IsTransient(e);
                if (!transient || attempt >= _maxAttempts)
                {
                    var why = transient ? $"gave up after {attempt} attempts: {Describe(e)}" : Describe(e);
                    return new ObjectOutcomeRecord(item.TaskId, item.SegmentId, item.Key, ObjectOutcome.Failed, 0, null, attempt, why);
                }
                await Task.Delay(Backoff(attempt), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<(ObjectOutcome, long, ulong?)> CopyOnceAsync(PendingObject item, CancellationToken cancellationToken)
    {
        if (_policy != SameNamePolicy.Overwrite && await ShouldSkipAsync(item, cancellationToken).ConfigureAwait(false))
            return (ObjectOutcome.Skipped, 0, null);

        await using var reader = await _source.OpenReadAsync(item.Key, cancellationToken).ConfigureAwait(false);
        var expectedSize = reader.Info.Size;
        await using var hashing = new HashingReadStream(reader.Content, leaveOpen: true, _onBytes);
        var put = await _destination.PutAsync(item.Key, hashing, expectedSize, reader.Metadata, reader.Info.LastModified, cancellationToken)
            .ConfigureAwait(false);

        var crc = hashing.Crc64;
        if (hashing.BytesRead != expectedSize)
            throw Mismatch(item.Key, $"read {hashing.BytesRead} bytes but the source announced {expectedSize}");
        if (put.Size != hashing.BytesRead)
            throw Mismatch(item.Key, $"the destination stored {put.Size} bytes of {hashing.BytesRead}");
        var sourceCrc = reader.Info.Crc64 ?? (reader.Info.Size == item.Size ? item.SourceCrc64 : null);
        if (sourceCrc is { } expected && expected != crc)
            throw Mismatch(item.Key, $"CRC-64 of the bytes read is {crc}, the source reports {expected}");
        if (put.Crc64 is { } stored && stored != crc)
            throw Mismatch(item.Key, $"CRC-64 of the bytes read is {crc}, the destination reports {stored}");
        return (ObjectOutcome.Succeeded, hashing.BytesRead, crc);
    }

    private async Task<bool> ShouldSkipAsync(PendingObject item, CancellationToken cancellationToken)
    {
        var existing = await _destination.HeadAsync(item.Key, cancellationToken).ConfigureAwait(false);
        if (existing is null) return false;
        return _policy switch
        {
            SameNamePolicy.Skip => true,
            SameNamePolicy.IfSourceNewer => existing.LastModified >= item.LastModified,
            SameNamePolicy.IfDifferent => existing.Size == item.Size
                && (existing.Crc64 is null || item.SourceCrc64 is null || existing.Crc64 == item.SourceCrc64)
                && (existing.ETag is null || item.ETag is null || existing.ETag == item.ETag),
            _ => false,
        };
    }

    private TimeSpan Backoff(int attempt)
    {
        var ms = _baseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1);
        return TimeSpan.FromMilliseconds(ms / 2 + Random.Shared.NextDouble() * ms / 2);
    }

    private static StoreException Mismatch(string key, string detail) =>
        new(StoreErrorKind.IntegrityMismatch, $"Verification of '{Printable.Key(key)}' failed: {detail}.");

    internal static bool IsTransient(Exception e) => e switch
    {
        StoreException s => s.Kind is StoreErrorKind.Transient or StoreErrorKind.IntegrityMismatch,
        IOException or TimeoutException or System.Net.Http.HttpRequestException or TaskCanceledException => true,
        _ => false,
    };

    internal static string Describe(Exception e) =>
        SecretRedactor.Redact(e is StoreException ? e.Message : $"{e.GetType().Name}: {e.Message}");
}
