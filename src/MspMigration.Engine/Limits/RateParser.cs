using System.Globalization;
using System.Text.RegularExpressions;

namespace MspMigration.Engine.Limits;

/// <summary>
/// Parses the limits users type: a QPS such as "500", a bandwidth such as "50kbit", "10Mbit",
/// "20MB", "512KiB" or a plain number of bytes per second (PowerShell's 20MB arrives that way).
/// SI prefixes are powers of 1000, IEC ones (KiB, MiB, GiB) powers of 1024; "bit" divides by 8.
/// </summary>
public static partial class RateParser
{
    [GeneratedRegex(@"^\s*(?<n>\d+(\.\d+)?)\s*(?<p>[kKmMgGtT]i?)?(?<u>bit|bps|b|B|Bps)?(/s)?\s*$")]
    private static partial Regex Bandwidth();

    /// <summary>The highest QPS limit accepted: objects started per second for a whole cluster.</summary>
    public const double MaxQps = 1_000_000;
    /// <summary>The highest bandwidth limit accepted, in bytes per second (about 4 EiB/s: no limit in practice).</summary>
    public const long MaxBandwidth = long.MaxValue / 2;

    public static string QpsRange => $"greater than 0 and at most {MaxQps:0} objects per second (0 or 'none' for no limit)";
    public static string BandwidthRange => $"at least 1 and at most {MaxBandwidth} bytes per second (0 or 'none' for no limit)";

    public static double ParseQps(string text)
    {
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var qps) || !double.IsFinite(qps))
            throw Invalid("QpsLimit", text, $"a number of objects per second such as 500, {QpsRange}");
        if (qps <= 0 || qps > MaxQps) throw OutOfRange("QpsLimit", text, QpsRange);
        return qps;
    }

    public static long ParseBandwidth(string text)
    {
        var m = Bandwidth().Match(text ?? "");
        if (!m.Success)
            throw Invalid("BandwidthLimit", text, $"a rate such as 50kbit, 10Mbit, 20MB or 512KiB (per second), {BandwidthRange}");
        var value = double.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture);
        var prefix = m.Groups["p"].Value;
        var unit = m.Groups["u"].Value;
        double scale = prefix.Length == 0 ? 1
            : Math.Pow(prefix.EndsWith('i') ? 1024 : 1000, "kmgt".IndexOf(char.ToLowerInvariant(prefix[0])) + 1);
        var bits = unit is "bit" or "bps" || unit == "b";
        var bytes = value * scale / (bits ? 8 : 1);
        if (bytes < 1 || bytes > MaxBandwidth || !double.IsFinite(bytes))
            throw OutOfRange("BandwidthLimit", text, BandwidthRange);
        return (long)bytes;
    }

    internal static MigrationException OutOfRange(string parameter, object? value, string range) =>
        new("InvalidLimit", MigrationErrorKind.InvalidArgument, $"{parameter} '{value}' is out of range: it must be {range}.", value);

    private static MigrationException Invalid(string parameter, string? text, string expected) =>
        new("InvalidLimit", MigrationErrorKind.InvalidArgument, $"{parameter} '{text}' cannot be understood: expected {expected}.", text);
}
