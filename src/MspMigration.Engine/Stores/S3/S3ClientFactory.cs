using Amazon.Runtime;
using Amazon.S3;

namespace MspMigration.Engine.Stores.S3;

/// <summary>Builds an AmazonS3Client configured for a vendor: endpoint, addressing style, signing and checksum defaults.</summary>
internal static class S3ClientFactory
{
    public static AmazonS3Client Create(S3StoreSettings settings, S3ResponseHeaders headers)
    {
        var endpoint = settings.ResolveEndpoint()!;
        var config = new AmazonS3Config
        {
            ServiceURL = endpoint,
            AuthenticationRegion = S3Vendor.SigningRegion(settings.Region),
            // OSS answers path-style requests with SecondLevelDomainForbidden.
            ForcePathStyle = settings.ForcePathStyle && !settings.Vendor.VirtualHostedOnly && settings.CustomDomain is null,
            // Recent SDKs add CRC32 trailers and aws-chunked bodies that OSS, COS and s3rver
            // reject or store verbatim; send checksums only where an operation requires them.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            // Retries are ours (Polly, in S3Resilience), so that there is one retry layer per request.
            MaxErrorRetry = 0,
            Timeout = settings.RequestTimeout,
            UseHttp = endpoint.StartsWith("http://", StringComparison.OrdinalIgnoreCase),
            // The SDK copies a request body to the connection through a buffer of this size (8 KiB
            // by default): every read of it runs down our stream stack (CRC-64, MD5, resume, TLS).
            BufferSize = 256 * 1024,
        };
        // Our handler chain: a stall watchdog on every request and short caps on control requests.
        config.HttpClientFactory = new S3HttpClientFactory(settings);
        AWSCredentials credentials = settings.AccessKeyId is null
            ? new AnonymousAWSCredentials()
            : settings.SessionToken is null
                ? new BasicAWSCredentials(settings.AccessKeyId, settings.SecretAccessKey)
                : new SessionAWSCredentials(settings.AccessKeyId, settings.SecretAccessKey, settings.SessionToken);
        // A custom domain serves one bucket at its root: see S3CustomDomainClient.
        var client = settings.CustomDomain is null ? new AmazonS3Client(credentials, config) : new S3CustomDomainClient(credentials, config);
        headers.Attach(client);
        return client;
    }
}
