using System.Text;

namespace MspMigration.Engine.Stores.UrlList;

/// <summary>
/// Turns one line of a URL list into the destination key: the URL's path without the leading
/// '/', percent-decoded as UTF-8, with an optional prefix stripped. The query string is kept
/// for fetching (signed URLs need it) but is not part of the key; the fragment is neither.
/// </summary>
internal static class UrlKeyMapper
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Returns null and the key, or the reason the line is not usable.</summary>
    public static string? TryMap(string line, string stripPrefix, out string key)
    {
        key = "";
        if (!Uri.TryCreate(line, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            return "not an absolute http or https URL";
        if (uri.Host.Length == 0) return "the URL has no host";
        // AbsolutePath is the path as it is sent: escaped, with '.' and '..' segments resolved.
        var path = PercentDecode(uri.AbsolutePath);
        if (path is null) return "the path is not valid percent-encoded UTF-8";
        if (path.StartsWith('/')) path = path[1..];
        if (stripPrefix.Length > 0)
        {
            if (!path.StartsWith(stripPrefix, StringComparison.Ordinal))
                return $"the key '{Printable.Key(path)}' does not start with the prefix to strip '{Printable.Key(stripPrefix)}'";
            path = path[stripPrefix.Length..];
        }
        if (path.Length == 0) return "the URL's path gives no object key";
        if (path.Contains('\0')) return "the key contains a NUL character";
        key = path;
        return null;
    }

    /// <summary>Decodes %XX sequences as UTF-8 bytes; null when the result is not valid UTF-8.</summary>
    internal static string? PercentDecode(string text)
    {
        if (!text.Contains('%')) return text;
        var bytes = new List<byte>(text.Length);
        Span<byte> one = stackalloc byte[4];
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '%' && i + 2 < text.Length && IsHex(text[i + 1]) && IsHex(text[i + 2]))
            {
                bytes.Add((byte)(Convert.ToByte(text.Substring(i + 1, 2), 16)));
                i += 2;
                continue;
            }
            // Escaped paths are ASCII; anything else is carried over as its UTF-8 bytes.
            var n = Encoding.UTF8.GetBytes(text.AsSpan(i, char.IsHighSurrogate(c) && i + 1 < text.Length ? 2 : 1), one);
            if (n > 1 && char.IsHighSurrogate(c)) i++;
            for (var j = 0; j < n; j++) bytes.Add(one[j]);
        }
        try
        {
            return StrictUtf8.GetString(bytes.ToArray());
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);
}
