namespace MspMigration;

/// <summary>What a run would do with one object (the dry run of -WhatIf).</summary>
public enum PlannedAction
{
    Copy,
    Overwrite,
    Skip,
}

/// <summary>One line of a dry run.</summary>
public sealed class PlannedObject
{
    public string TaskName { get; init; } = "";
    public string Key { get; init; } = "";
    public long Size { get; init; }
    public PlannedAction Action { get; init; }
    public string? Reason { get; init; }
}
