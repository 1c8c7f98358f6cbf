using Polly;
using Polly.Retry;

namespace MspMigration.Engine.Stores.S3;

/// <summary>
/// The one retry layer for S3 requests: every SDK call goes through this pipeline, which maps
/// the failure first and retries only the transient kinds, with exponential backoff and jitter.
/// The SDK's own retries are off (S3ClientFactory) and the copier retries a whole object only
/// after this layer has given up, so a request is never retried by two layers at once.
/// </summary>
internal sealed class S3Resilience
{
    private readonly ResiliencePipeline _pipeline;
    private readonly bool _anonymous;

    /// <param name="anonymous">Requests are unsigned (no credentials), which is what a refusal then most likely means.</param>
    /// <param name="onRetry">Told of each failure that is retried (the agent's metrics count them by reason).</param>
    public S3Resilience(int maxAttempts, TimeSpan? baseDelay = null, bool anonymous = false, Action<Exception>? onRetry = null)
    {
        _anonymous = anonymous;
        var builder = new ResiliencePipelineBuilder();
        if (maxAttempts > 1)
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = maxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = baseDelay ?? TimeSpan.FromMilliseconds(200),
                MaxDelay = TimeSpan.FromSeconds(10),
                ShouldHandle = new PredicateBuilder().Handle<StoreException>(e => e.IsTransient),
                OnRetry = args =>
                {
                    if (onRetry is not null && args.Outcome.Exception is { } e) onRetry(e);
                    return default;
                },
            });
        _pipeline = builder.Build();
    }

    /// <summary>Runs <paramref name="call"/> (which must be safe to repeat), mapping failures to StoreExceptions.</summary>
    public async Task<T> RunAsync<T>(string operation, string where, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        return await _pipeline.ExecuteAsync(async ct =>
        {
            try
            {
                return await call(ct).ConfigureAwait(false);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                throw S3ErrorMapper.Map(e, where, operation, _anonymous);
            }
        }, cancellationToken).ConfigureAwait(false);
    }
}
