namespace MspMigration.Engine.Stores.UrlList;

/// <summary>URLs as they may be printed, and as they are sent.</summary>
internal static class UrlText
{
    /// <summary>
    /// Scheme, host, port and path only: user info is a password and a query string often holds
    /// a signature (signed URLs), so neither reaches a message, log or the journal.
    /// </summary>
    public static string Printable(Uri uri)
    {
        var text = uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);
        return uri.Query.Length > 0 ? text + "?<query hidden>" : text;
    }

    /// <summary>The URL without user info; the user info, unescaped, for a Basic Authorization header.</summary>
    public static (Uri Request, string? Credentials) SplitUserInfo(Uri uri)
    {
        if (uri.UserInfo.Length == 0) return (uri, null);
        var withoutUser = new Uri(uri.GetComponents(UriComponents.AbsoluteUri & ~UriComponents.UserInfo, UriFormat.UriEscaped));
        return (withoutUser, Uri.UnescapeDataString(uri.UserInfo));
    }
}
