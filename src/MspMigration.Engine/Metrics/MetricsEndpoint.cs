using System.Globalization;
using System.Net;

namespace MspMigration.Engine.Metrics;

/// <summary>
/// Where an agent serves its Prometheus metrics ([agent] metrics). Loopback unless the operator
/// also writes <c>metrics_allow_remote = true</c>: metrics name tasks and show what a fleet is
/// doing, which is nobody else's business by default, so one setting alone never opens a port to
/// the network.
/// </summary>
public sealed record MetricsEndpoint(IPAddress Address, int Port)
{
    public bool IsLoopback => IPAddress.IsLoopback(Address);

    /// <summary>What HttpListener is told: 0.0.0.0 is '+' (every interface), others as written.</summary>
    internal string ListenerHost => Address.Equals(IPAddress.Any) ? "+" : Address.ToString();

    public override string ToString() => $"{Address}:{Port}";

    /// <summary>
    /// "host:port" with an IPv4 address or localhost, or a port alone for
    /// 127.0.0.1; returns null with the reason it is not one.
    /// </summary>
    public static MetricsEndpoint? TryParse(string text, out string? why)
    {
        why = null;
        var value = text.Trim();
        string host = "127.0.0.1", port = value;
        var colon = value.LastIndexOf(':');
        if (colon >= 0)
        {
            host = value[..colon];
            port = value[(colon + 1)..];
            // .NET's own HttpListener (Linux, macOS) cannot take an IPv6 address in its prefix.
            if (host.Contains(':'))
            {
                why = "IPv6 addresses cannot be served; use an IPv4 address such as 127.0.0.1, or 0.0.0.0 for every interface";
                return null;
            }
            if (host.Length == 0) host = "127.0.0.1";
        }
        if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number is < 1 or > 65535)
        {
            why = "the port must be a number from 1 to 65535, as in \"127.0.0.1:9464\"";
            return null;
        }
        IPAddress? address = string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback
            : IPAddress.TryParse(host, out var ip) && ip.ToString().Length > 0 && LooksLikeAddress(host) ? ip : null;
        if (address is null)
        {
            why = "the host must be an IPv4 address or localhost (the agent listens on an address, it does not look names up)";
            return null;
        }
        return new MetricsEndpoint(address, number);
    }

    // IPAddress.TryParse also takes "1" or "0x7f.1" as IPv4; only the usual dotted form is meant here.
    private static bool LooksLikeAddress(string host) =>
        host.Split('.') is { Length: 4 } parts && parts.All(p => p.Length is > 0 and <= 3 && p.All(char.IsAsciiDigit));
}
