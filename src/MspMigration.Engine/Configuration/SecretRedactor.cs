namespace MspMigration.Engine.Configuration;

/// <summary>
/// Last line of defence for secrets: every secret value an agent loads is registered here, and
/// every message bound for the journal, a log or an error passes through <see cref="Redact"/>.
/// </summary>
public static class SecretRedactor
{
    private static readonly object Gate = new();
    private static string[] _secrets = [];

    public static void Register(string? secret)
    {
        // Very short values would redact ordinary words; real keys are long.
        if (string.IsNullOrEmpty(secret) || secret.Length < 6) return;
        lock (Gate)
        {
            if (Array.IndexOf(_secrets, secret) >= 0) return;
            _secrets = [.. _secrets, secret];
        }
    }

    public static string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text)) return text ?? "";
        foreach (var secret in _secrets)
            if (text.Contains(secret, StringComparison.Ordinal))
                text = text.Replace(secret, "***", StringComparison.Ordinal);
        return text;
    }
}
