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

    public static double ParseQps(string text)
    {
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var qps) && qps > 0 && qps <= 1_000_000 && double.IsFinite(qps))
            return qps;
        throw Invalid("QpsLimit", text, "a number of objects per second greater than 0, such as 500");
    }

    public static long ParseBandwidth(string text)
    {
        var m = Bandwidth().Match(text ?? "");
        if (!m.Success)
            throw Invalid("BandwidthLimit", text, "a rate such as 50kbit, 10Mbit, 20MB or 512KiB (per second)");
        var value = double.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture);
        var prefix = m.Groups["p"].Value;
        var unit = m.Groups["u"].Value;
        double scale = prefix.Length == 0 ? 1
            : Math.Pow(prefix.EndsWith('i') ? 1024 : 1000, "kmgt".IndexOf(char.ToLowerInvariant(prefix[0])) + 1);
        var bits = unit is "bit" or "bps" || unit == "b";
        var bytes = value * scale / (bits ? 8 : 1);
        if (bytes < 1 || bytes > long.MaxValue / 2 || !double.IsFinite(bytes))
            throw Invalid("BandwidthLimit", text, "at least 1 byte per second");
        return (long)bytes;
    }

    private static MigrationException Invalid(string parameter, string? text, string expected) =>
        new("InvalidLimit", MigrationErrorKind.InvalidArgument, $"{parameter} '{text}' cannot be understood: expected {expected}.", text);
}
