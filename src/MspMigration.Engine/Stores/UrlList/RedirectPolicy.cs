using System.Net;

namespace MspMigration.Engine.Stores.UrlList;

/// <summary>
/// Which redirects a URL-list fetch follows: at most a few, to http or https only, never from
/// https down to http; credentials go along only while the host stays the same.
/// </summary>
internal static class RedirectPolicy
{
    public const int MaxRedirects = 5;

    /// <summary>The next URL to request, or null when the response is not a redirect to follow.</summary>
    public static Uri? Next(Uri current, HttpResponseMessage response)
    {
        if (response.StatusCode is not (HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther
            or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect))
            return null;
        if (response.Headers.Location is not { } location) return null;
        var target = location.IsAbsoluteUri ? location : new Uri(current, location);
        if (target.Scheme != Uri.UriSchemeHttp && target.Scheme != Uri.UriSchemeHttps) return null;
        if (current.Scheme == Uri.UriSchemeHttps && target.Scheme == Uri.UriSchemeHttp) return null;
        return target;
    }

    public static bool SameAuthority(Uri a, Uri b) =>
        a.Scheme == b.Scheme && a.Port == b.Port && string.Equals(a.Host, b.Host, StringComparison.OrdinalIgnoreCase);
}
