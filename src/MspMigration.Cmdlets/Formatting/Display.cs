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

    public static string Bytes(long bytes) => Units.Bytes(bytes);

    public static string Rate(double bytesPerSecond) => Units.Bytes((long)bytesPerSecond) + "/s";

    public static string Duration(TimeSpan elapsed) =>
        elapsed.ToString(elapsed.TotalDays >= 1 ? @"d\.hh\:mm\:ss" : @"hh\:mm\:ss", CultureInfo.InvariantCulture);

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
