using System.Globalization;
using System.Net;
using Amazon.Runtime;
using Polly;
using Polly.Simmy;
using Polly.Simmy.Fault;
using Polly.Simmy.Latency;
using Polly.Simmy.Outcomes;

namespace MspMigration.Engine.Stores.S3;

/// <summary>
/// Deliberate faults between the SDK and the network, for resilience tests: with
/// MSPMIGRATION_FAULT_RATE=0.1 one request in ten gets a 503, a delay or a reset
/// connection, injected by Polly's chaos strategies on the SDK's HTTP handler. Off unless set.
/// </summary>
internal static class S3FaultInjection
{
    public const string RateVariable = "MSPMIGRATION_FAULT_RATE";

    public static double Rate =>
        double.TryParse(Environment.GetEnvironmentVariable(RateVariable), NumberStyles.Float, CultureInfo.InvariantCulture, out var r)
            ? Math.Clamp(r, 0, 1) : 0;

    private static long _errors, _resets, _delays;

    /// <summary>What was injected in this process, for a warning: nobody should run with this on unknowingly.</summary>
    public static string? Summary()
    {
        var (e, r, d) = (Interlocked.Read(ref _errors), Interlocked.Read(ref _resets), Interlocked.Read(ref _delays));
        return e + r + d == 0 ? null
            : $"Fault injection ({RateVariable}) was on: {e} responses replaced by 503 SlowDown, {r} connections reset, {d} requests delayed.";
    }

    public static HttpClientFactory? CreateFactory()
    {
        var rate = Rate;
        return rate > 0 ? new ChaosHttpClientFactory(rate) : null;
    }

    private sealed class ChaosHttpClientFactory(double rate) : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig)
        {
            // Strategies run in turn, so each rate is conditional on the earlier ones not firing:
            // overall, half the faults are 503s, a quarter resets and a quarter delays.
            var p503 = rate / 2;
            var pReset = rate / 4 / (1 - p503);
            var pDelay = Math.Min(1, rate / 4 / ((1 - p503) * (1 - pReset)));
            var pipeline = new ResiliencePipelineBuilder<HttpResponseMessage>()
                .AddChaosOutcome(new ChaosOutcomeStrategyOptions<HttpResponseMessage>
                {
                    InjectionRate = p503,
                    OutcomeGenerator = _ =>
                    {
                        Interlocked.Increment(ref _errors);
                        return ValueTask.FromResult<Outcome<HttpResponseMessage>?>(
                            Outcome.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable)
                            {
                                Content = new StringContent("<Error><Code>SlowDown</Code><Message>Injected fault</Message></Error>"),
                            }));
                    },
                })
                .AddChaosFault(new ChaosFaultStrategyOptions
                {
                    InjectionRate = pReset,
                    FaultGenerator = _ =>
                    {
                        Interlocked.Increment(ref _resets);
                        return ValueTask.FromResult<Exception?>(
                            new HttpRequestException("Injected fault: connection reset by peer", new IOException("Connection reset by peer")));
                    },
                })
                .AddChaosLatency(new ChaosLatencyStrategyOptions
                {
                    InjectionRate = pDelay,
                    Latency = TimeSpan.FromMilliseconds(300),
                    OnLatencyInjected = _ => { Interlocked.Increment(ref _delays); return default; },
                })
                .Build();
            var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) };
            return new HttpClient(new ChaosHandler(pipeline, handler)) { Timeout = Timeout.InfiniteTimeSpan };
        }

        public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;
        public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;
    }

    private sealed class ChaosHandler(ResiliencePipeline<HttpResponseMessage> pipeline, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            await pipeline.ExecuteAsync(async ct => await base.SendAsync(request, ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
    }
}
