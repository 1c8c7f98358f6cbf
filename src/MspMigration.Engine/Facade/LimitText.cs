using MspMigration.Engine.Limits;

namespace MspMigration.Engine.Facade;

/// <summary>Limit parameters as text: a value, or "0"/"none"/"unlimited" for no limit.</summary>
public static class LimitText
{
    public static bool IsNone(string text) => text.Trim() is "0" or "none" or "unlimited" or "";

    public static double? Qps(string? text) => text is null || IsNone(text) ? null : RateParser.ParseQps(text);

    public static long? Bandwidth(string? text) => text is null || IsNone(text) ? null : RateParser.ParseBandwidth(text);
}
