namespace MspMigration.Engine.Configuration;

/// <summary>Which profile settings hold secrets (the vendors' own names included).</summary>
public static class SecretNames
{
    private static readonly string[] Names =
        ["secret_access_key", "access_key_secret", "secret_key", "secret_id", "access_key_id", "password", "session_token", "token"];

    public static bool IsSecret(string key) => Array.Exists(Names, n => string.Equals(n, key, StringComparison.OrdinalIgnoreCase));
}
