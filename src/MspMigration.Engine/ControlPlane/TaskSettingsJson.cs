using System.Text.Json;
using System.Text.Json.Serialization;

namespace MspMigration.Engine.ControlPlane;

/// <summary>Task settings as the control plane stores them: one JSON column (options), shared by every store.</summary>
public static class TaskSettingsJson
{
    // Property names as declared, nulls left out: rows written before the settings had a type
    // of their own read back the same.
    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public static string ToJson(this MigrationTaskSettings settings) => JsonSerializer.Serialize(settings, Json);

    public static MigrationTaskSettings Read(string? json) =>
        string.IsNullOrEmpty(json) ? new MigrationTaskSettings() : JsonSerializer.Deserialize<MigrationTaskSettings>(json, Json) ?? new MigrationTaskSettings();
}
