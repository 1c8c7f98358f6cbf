using System.Globalization;
using MspMigration.Cmdlets.Infrastructure;

namespace MspMigration.Cmdlets.Formatting;

/// <summary>
/// Text for the default views (MspMigration.Format.ps1xml), kept here so that every view
/// shows sizes, rates and states alike. Public because the views' script blocks call it.
/// </summary>
public static class Display
{
    private const string Green = "\u001b[32m", Yellow = "\u001b[33m", Red = "\u001b[31m", Reset = "\u001b[0m";
    private static readonly string[] Suffixes = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];

    public static string Bytes(long bytes) => Units.Bytes(bytes);

    public static string Rate(double bytesPerSecond) => Units.Bytes((long)bytesPerSecond) + "/s";

    /// <summary>
    /// A size in at most four digits (1.5 KiB, 187 KiB, 1023 MiB), for table columns of a fixed
    /// width: one decimal only below 100.
    /// </summary>
    public static string ShortBytes(double bytes)
    {
        var i = 0;
        while (bytes >= 1024 && i < Suffixes.Length - 1)
        {
            bytes /= 1024;
            i++;
        }
        // Truncated rather than rounded, so that 1023.96 does not read 1024.
        var text = bytes < 100 ? (Math.Floor(bytes * 10) / 10).ToString("0.#", CultureInfo.InvariantCulture)
                               : Math.Floor(bytes).ToString("0", CultureInfo.InvariantCulture);
        return text + " " + Suffixes[i];
    }

    public static string ShortRate(double bytesPerSecond) => ShortBytes(bytesPerSecond) + "/s";

    /// <summary>h:mm:ss, hours counting on past a day (26:03:04), as a stopwatch reads.</summary>
    public static string Duration(TimeSpan elapsed) =>
        string.Create(CultureInfo.InvariantCulture, $"{(long)elapsed.TotalHours}:{elapsed.Minutes:00}:{elapsed.Seconds:00}");

    /// <summary>
    /// Text cut to a column's width in the middle, so that both ends stay readable: a
    /// location's scheme and its last folder, a key's first folder and its file name.
    /// </summary>
    public static string Fit(string? text, int width)
    {
        if (text is null || text.Length <= width || width < 3) return text ?? "";
        var head = (width - 1) / 2;
        return string.Concat(text.AsSpan(0, head), "…", text.AsSpan(text.Length - (width - 1 - head)));
    }

    /// <summary>
    /// A finished task's state in green (every object done), yellow (some failed) or red (the
    /// task failed). Colour only when the caller says the host renders it and NO_COLOR is unset.
    /// </summary>
    public static string State(MigrationTaskState state, bool hostRendersColour)
    {
        var text = state.ToString();
        if (!hostRendersColour || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"))) return text;
        var colour = state switch
        {
            MigrationTaskState.Completed => Green,
            MigrationTaskState.CompletedWithFailures => Yellow,
            MigrationTaskState.Failed => Red,
            _ => null,
        };
        return colour is null ? text : colour + text + Reset;
    }
}
