using System.Runtime.CompilerServices;
using Amazon.Runtime;
using MspMigration.Engine.Integrity;

namespace MspMigration.Engine.Stores.S3;

/// <summary>
/// The SDK's response objects drop headers it does not model, such as the vendors' CRC-64
/// headers. A client's AfterResponseEvent hands them over here, keyed by the request object,
/// so the store can read them after the call returns.
/// </summary>
public sealed class S3ResponseHeaders
{
    private readonly ConditionalWeakTable<AmazonWebServiceRequest, IDictionary<string, string>> _byRequest = new();

    public void Attach(AmazonServiceClient client) => client.AfterResponseEvent += OnResponse;

    private void OnResponse(object sender, ResponseEventArgs e)
    {
        if (e is WebServiceResponseEventArgs web && web.Request is { } request && web.ResponseHeaders is { } headers)
            Record(request, headers);
    }

    internal void Record(AmazonWebServiceRequest request, IDictionary<string, string> headers) =>
        _byRequest.AddOrUpdate(request, new Dictionary<string, string>(headers, StringComparer.OrdinalIgnoreCase));

    public string? Get(AmazonWebServiceRequest request, string? header)
    {
        if (header is null || !_byRequest.TryGetValue(request, out var headers)) return null;
        return headers.TryGetValue(header, out var v) ? v : null;
    }

    /// <summary>The vendor's CRC-64/XZ of the object the request touched, when the service reported one.</summary>
    public ulong? Crc64(AmazonWebServiceRequest request, S3Vendor vendor) => ParseCrc64(Get(request, vendor.Crc64Header));

    public static ulong? ParseCrc64(string? value) => Crc64Xz.TryParseHeader(value, out var crc) ? crc : null;
}
