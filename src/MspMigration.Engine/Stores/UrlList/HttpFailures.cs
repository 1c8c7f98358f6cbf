using System.Net;
using System.Net.Http;

namespace MspMigration.Engine.Stores.UrlList;

/// <summary>
/// Maps HTTP outcomes to store errors, which decide retries: throttling, server errors, timeouts
/// and broken connections are transient; a missing or forbidden object is not.
/// </summary>
internal static class HttpFailures
{
    public static StoreErrorKind KindOf(HttpStatusCode status) => (int)status switch
    {
        404 or 410 => StoreErrorKind.NotFound,
        401 or 403 => StoreErrorKind.AccessDenied,
        408 or 425 or 429 => StoreErrorKind.Transient,
        >= 500 and <= 599 => StoreErrorKind.Transient,
        _ => StoreErrorKind.Other,
    };

    /// <summary>What a user groups the failure by; the kind above decides retrying.</summary>
    public static FailureReason ReasonOf(HttpStatusCode status) => (int)status switch
    {
        404 or 410 => FailureReason.NotFound,
        401 or 403 => FailureReason.AccessDenied,
        408 => FailureReason.Timeout,
        429 => FailureReason.Throttled,
        >= 500 and <= 599 => FailureReason.ServiceError,
        _ => FailureReason.Other,
    };

    public static StoreException FromStatus(string method, string url, int line, HttpResponseMessage response)
    {
        var status = response.StatusCode;
        var detail = (int)status is >= 300 and < 400
            ? $" (a redirect that was not followed: too many, to a non-http(s) URL, or from https to http)"
            : "";
        return new StoreException(KindOf(status),
            $"{method} {url} answered {(int)status} {response.ReasonPhrase}{detail} (URL list line {line}).", reason: ReasonOf(status));
    }

    public static StoreException FromException(string method, string url, int line, Exception e) => e switch
    {
        HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError } =>
            new StoreException(StoreErrorKind.Other, $"{method} {url} failed: TLS: {Reasons(e)} (URL list line {line}).", e),
        HttpRequestException or IOException =>
            new StoreException(StoreErrorKind.Transient, $"{method} {url} failed: {Reasons(e)} (URL list line {line}).", e, FailureReason.ConnectionFailed),
        _ => new StoreException(StoreErrorKind.Other, $"{method} {url} failed: {Reasons(e)} (URL list line {line}).", e),
    };

    /// <summary>
    /// HttpClient's own message is often just "An error occurred while sending the request";
    /// the cause (reset, refused, ended prematurely) is in the inner exceptions.
    /// </summary>
    public static string Reasons(Exception e)
    {
        var parts = new List<string>();
        for (var x = e; x is not null && parts.Count < 4; x = x.InnerException)
            if (!parts.Contains(x.Message)) parts.Add(x.Message);
        return string.Join(": ", parts);
    }

    public static StoreException Timeout(string method, string url, int line, TimeSpan after) =>
        new(StoreErrorKind.Transient, $"{method} {url} gave no response within {after.TotalSeconds:0} s (URL list line {line}).", reason: FailureReason.Timeout);
}
