using MspMigration.Engine.Configuration;
using MspMigration.Engine.ControlPlane;
using MspMigration.Engine.Integrity;
using MspMigration.Engine.Limits;
using MspMigration.Engine.Policies;
using MspMigration.Engine.Streams;
using MspMigration.Engine.Stores;

namespace MspMigration.Engine.Transfer;

/// <summary>What the agent knows of the destination before copying one object.</summary>
public readonly record struct DestinationState(bool Known, ObjectInfo? Existing)
{
    public static readonly DestinationState Unknown = new(false, null);
}

/// <summary>
/// Copies one object as a stream, verifying size and CRC-64/XZ on the way, and retries
/// transient failures a bounded number of times with exponential backoff and jitter.
/// Never reports success for an object that did not verify. A failure of a whole store
/// (<see cref="StoreException.StoreWide"/>) is thrown rather than recorded against the object.
/// </summary>
public sealed class ObjectCopier
{
    private readonly IObjectStore _source;
    private readonly IObjectStore _destination;
    private readonly int _maxAttempts;
    private readonly TimeSpan _baseDelay;
    private readonly Action<long>? _onBytes;
    private readonly TaskLimiter? _limiter;
    private readonly Action<Exception>? _onRetry;

    /// <param name="onRetry">Told of each failure after which the whole object is tried again.</param>
    public ObjectCopier(IObjectStore source, IObjectStore destination, int maxAttempts,
        Action<long>? onBytes = null, TimeSpan? baseDelay = null, TaskLimiter? limiter = null, Action<Exception>? onRetry = null)
    {
        _onRetry = onRetry;
        _source = source;
        _destination = destination;
        _maxAttempts = Math.Max(1, maxAttempts);
        _onBytes = onBytes;
        _baseDelay = baseDelay ?? TimeSpan.FromMilliseconds(200);
        _limiter = limiter;
    }

    public async Task<ObjectOutcomeRecord> CopyAsync(PendingObject item, SameNamePolicy policy, DestinationState destination, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (_limiter is not null) await _limiter.AcquireRequestAsync(cancellationToken).ConfigureAwait(false);
                if (policy != SameNamePolicy.Overwrite)
                {
                    var existing = destination.Known ? destination.Existing
                        : await _destination.HeadAsync(item.Key, cancellationToken).ConfigureAwait(false);
                    var (action, _) = SameNameDecision.Decide(policy, AsInfo(item), existing);
                    if (action == PlannedAction.Skip)
                        return new ObjectOutcomeRecord(item.TaskId, item.SegmentId, item.Key, ObjectOutcome.Skipped, 0, null, attempt, null);
                }
                var (bytes, crc, copied) = await CopyOnceAsync(item, cancellationToken).ConfigureAwait(false);
                return new ObjectOutcomeRecord(item.TaskId, item.SegmentId, item.Key, ObjectOutcome.Succeeded, bytes, crc, attempt, null, copied);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                var transient = IsTransient(e);
                // A store that fails as a whole is not this object's fault: the caller holds the
                // task back or fails it, and the object stays pending.
                if (e is StoreException { StoreWide: true } && (!transient || attempt >= _maxAttempts)) throw;
                if (!transient || attempt >= _maxAttempts)
                {
                    var why = transient ? $"gave up after {attempt} attempts: {Describe(e)}" : Describe(e);
                    return new ObjectOutcomeRecord(item.TaskId, item.SegmentId, item.Key, ObjectOutcome.Failed, 0, null, attempt, why, Reason: ReasonOf(e));
                }
                // After a failed attempt the destination may have changed: ask again.
                destination = DestinationState.Unknown;
                _onRetry?.Invoke(e);
                await Task.Delay(Backoff(attempt), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<(long, ulong, ObjectInfo)> CopyOnceAsync(PendingObject item, CancellationToken cancellationToken)
    {
        await using var reader = await _source.OpenReadAsync(item.Key, cancellationToken).ConfigureAwait(false);
        var expectedSize = reader.Info.Size;
        Stream content = reader.Content;
        if (_limiter is { LimitsBandwidth: true }) content = new ThrottledReadStream(content, _limiter);
        await using var hashing = new HashingReadStream(content, leaveOpen: true, _onBytes);
        // A known MD5 lets a store stream the body into its request; under a bandwidth limit that
        // request would last as long as the throttled read and could outlive its time cap.
        var md5 = _limiter is { LimitsBandwidth: true } ? null : reader.ContentMd5;
        var put = await _destination.PutAsync(item.Key, hashing, expectedSize, reader.Metadata, reader.Info.LastModified, md5, cancellationToken)
            .ConfigureAwait(false);

        var crc = hashing.Crc64;
        if (hashing.BytesRead != expectedSize)
            throw Mismatch(item.Key, $"read {hashing.BytesRead} bytes but the source announced {expectedSize}");
        if (put.Size != hashing.BytesRead)
            throw Mismatch(item.Key, $"the destination stored {put.Size} bytes of {hashing.BytesRead}");
        // A CRC from the listing describes the listed version: it checks nothing once the object changed.
        var sameAsListed = reader.Info.Size == item.Size && (reader.Info.ETag is null || item.ETag is null || reader.Info.ETag == item.ETag);
        var sourceCrc = reader.Info.Crc64 ?? (sameAsListed ? item.SourceCrc64 : null);
        if (sourceCrc is { } expected && expected != crc)
            throw Mismatch(item.Key, $"CRC-64 of the bytes read is {crc}, the source reports {expected}");
        if (put.Crc64 is { } stored && stored != crc)
            throw Mismatch(item.Key, $"CRC-64 of the bytes read is {crc}, the destination reports {stored}");
        return (hashing.BytesRead, crc, reader.Info);
    }

    internal static ObjectInfo AsInfo(PendingObject item) => new(item.Key, item.Size, item.LastModified, item.ETag, item.SourceCrc64);

    private TimeSpan Backoff(int attempt)
    {
        var ms = _baseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1);
        return TimeSpan.FromMilliseconds(ms / 2 + Random.Shared.NextDouble() * ms / 2);
    }

    private static StoreException Mismatch(string key, string detail) =>
        new(StoreErrorKind.IntegrityMismatch, $"Verification of '{Printable.Key(key)}' failed: {detail}.");

    internal static bool IsTransient(Exception e) => e switch
    {
        StoreException s => s.Kind is StoreErrorKind.Transient or StoreErrorKind.IntegrityMismatch or StoreErrorKind.SourceChanged,
        IOException or TimeoutException or System.Net.Http.HttpRequestException or TaskCanceledException => true,
        _ => false,
    };

    /// <summary>The word a user groups this failure by; stores say it where they know more.</summary>
    internal static FailureReason ReasonOf(Exception e) => e switch
    {
        StoreException s => s.Reason,
        TimeoutException or OperationCanceledException => FailureReason.Timeout,
        IOException or System.Net.Http.HttpRequestException => FailureReason.ConnectionFailed,
        _ => FailureReason.Other,
    };

    internal static string Describe(Exception e) =>
        SecretRedactor.Redact(e is StoreException ? e.Message : $"{e.GetType().Name}: {e.Message}");
}
