namespace MspMigration.Engine.Stores;

/// <summary>Makes untrusted text safe to print.</summary>
public static class Printable
{
    /// <summary>Control characters are escaped so a hostile key cannot rewrite the terminal or a log line.</summary>
    public static string Key(string key)
    {
        var clean = true;
        foreach (var c in key)
            if (char.IsControl(c)) { clean = false; break; }
        if (clean) return key;
        var sb = new System.Text.StringBuilder(key.Length + 8);
        foreach (var c in key)
            sb.Append(char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString());
        return sb.ToString();
    }
}
