using System.Globalization;

namespace MspMigration.Cmdlets.Infrastructure;

/// <summary>Human-readable sizes for progress text.</summary>
internal static class Units
{
    private static readonly string[] Suffixes = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];

    public static string Bytes(long bytes)
    {
        double value = bytes;
        var i = 0;
        while (value >= 1024 && i < Suffixes.Length - 1)
        {
            value /= 1024;
            i++;
        }
        return string.Create(CultureInfo.InvariantCulture, $"{value:0.#} {Suffixes[i]}");
    }
}
