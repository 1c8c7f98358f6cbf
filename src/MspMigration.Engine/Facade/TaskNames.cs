namespace MspMigration.Engine.Facade;

/// <summary>Task names are typed at a prompt and completed with Tab: keep them plain.</summary>
public static class TaskNames
{
    public const int MaxLength = 128;

    public static void Validate(string? name)
    {
        string? why = null;
        if (string.IsNullOrWhiteSpace(name)) why = "it is empty";
        else if (name.Length > MaxLength) why = $"it is longer than {MaxLength} characters";
        else if (name.Trim() != name) why = "it starts or ends with white space";
        else if (name.Any(char.IsControl)) why = "it contains control characters";
        else if (name.IndexOfAny(['*', '?', '[', ']']) >= 0) why = "it contains a wildcard character (* ? [ ])";
        if (why is not null)
            throw new MigrationException("InvalidTaskName", MigrationErrorKind.InvalidArgument,
                $"Task name '{Stores.Printable.Key(name ?? "")}' is not valid: {why}.", name);
    }
}
