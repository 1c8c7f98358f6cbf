using Amazon.Runtime;
using Amazon.Runtime.Internal;
using Amazon.S3;

namespace MspMigration.Engine.Stores.S3;

/// <summary>
/// A client for a custom domain bound to one bucket (profile setting custom_domain): requests go
/// to https://domain/key, the bucket in neither host nor path, as OSS and COS serve a bucket on
/// its CNAME. The SDK has no such addressing style; it resolves a virtual-hosted endpoint
/// (bucket.domain), and <see cref="Handler"/>, placed just before the signer, puts the request
/// back on the domain itself, so that the Host signed is the Host sent.
/// </summary>
internal sealed class S3CustomDomainClient(AWSCredentials credentials, AmazonS3Config config) : AmazonS3Client(credentials, config)
{
    protected override void CustomizeRuntimePipeline(RuntimePipeline pipeline)
    {
        base.CustomizeRuntimePipeline(pipeline);
        pipeline.AddHandlerBefore<Signer>(new Handler());
    }

    /// <summary>Replaces the resolved endpoint (bucket.domain, or domain/bucket) with the configured domain.</summary>
    internal sealed class Handler : PipelineHandler
    {
        public override void InvokeSync(IExecutionContext executionContext)
        {
            Rewrite(executionContext);
            base.InvokeSync(executionContext);
        }

        public override Task<T> InvokeAsync<T>(IExecutionContext executionContext)
        {
            Rewrite(executionContext);
            return base.InvokeAsync<T>(executionContext);
        }

        private static void Rewrite(IExecutionContext context)
        {
            var request = context.RequestContext.Request;
            // The configured ServiceURL is the domain: scheme, host and port, no path.
            var domain = new Uri(context.RequestContext.ClientConfig.ServiceURL);
            request.Endpoint = new UriBuilder(domain.Scheme, domain.Host, domain.Port).Uri;
            request.Headers.Remove("Host");
        }
    }
}
