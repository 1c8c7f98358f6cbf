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
/// MSPMIGRATION_FAULT_RATE=0.1 about one request in ten gets a 503, a delay or a reset
/// connection, injected by Polly's chaos strategies on the SDK's HTTP handler. Off unless set.
/// </summary>
internal static class S3FaultInjection
{
    public const string RateVariable = "MSPMIGRATION_FAULT_RATE";

    public static double Rate =>
        double.TryParse(Environment.GetEnvironmentVariable(RateVariable), NumberStyles.Float, CultureInfo.InvariantCulture, out var r)
            ? Math.Clamp(r, 0, 1) : 0;

    public static HttpClientFactory? CreateFactory()
    {
        var rate = Rate;
        return rate > 0 ? new ChaosHttpClientFactory(rate) : null;
    }

    private sealed class ChaosHttpClientFactory(double rate) : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig)
        {
            var pipeline = new ResiliencePipelineBuilder<HttpResponseMessage>()
                .AddChaosOutcome(new ChaosOutcomeStrategyOptions<HttpResponseMessage>
                {
                    InjectionRate = rate / 2,
                    OutcomeGenerator = _ => ValueTask.FromResult<Outcome<HttpResponseMessage>?>(
                        Outcome.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable)
                        {
                            Content = new StringContent("<Error><Code>SlowDown</Code><Message>Injected fault</Message></Error>"),
                        })),
                })
                .AddChaosFault(new ChaosFaultStrategyOptions
                {
                    InjectionRate = rate / 4,
                    FaultGenerator = _ => ValueTask.FromResult<Exception?>(
                        new HttpRequestException("Injected fault: connection reset by peer", new IOException("Connection reset by peer"))),
                })
                .AddChaosLatency(new ChaosLatencyStrategyOptions { InjectionRate = rate / 4, Latency = TimeSpan.FromMilliseconds(300) })
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
