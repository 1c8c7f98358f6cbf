using System.Text.RegularExpressions;
using MspMigration.Engine.Stores.S3;
using Tomlyn.Model;

namespace MspMigration.Engine.Configuration;

/// <summary>
/// The sections and settings agent.toml may hold. Anything else is most likely a typo that would
/// otherwise be ignored in silence, so each one becomes a warning naming its line and the
/// nearest known name.
/// </summary>
internal static partial class ConfigKeys
{
    private static readonly Dictionary<string, string[]> Sections = new(StringComparer.Ordinal)
    {
        ["agent"] = ["name", "address", "concurrency", "lease_seconds", "heartbeat_seconds", "poll_seconds", "max_attempts",
                     "give_up_seconds", "stall_seconds", "fsync", "memory_mb", "segment_objects", "list_page_size", "transfer_log",
                     "metrics", "metrics_allow_remote"],
        ["control_plane"] = ["sqlite", "postgres", "password_env"],
        ["profiles"] = [],
    };

    public static IEnumerable<string> Unknown(TomlTable root, string text, string path)
    {
        var lines = text.Split('\n');
        foreach (var (name, value) in root)
        {
            if (!Sections.TryGetValue(name, out var known))
            {
                var what = value is TomlTable ? $"section [{name}]" : $"setting '{name}' (outside any section)";
                var nearest = value is TomlTable ? $"[{NearestName.Find(name, Sections.Keys)}]" : Nearest(name, Sections.Values.SelectMany(k => k));
                yield return Warning(path, Line(lines, "", name, value is TomlTable), what, nearest);
                continue;
            }
            if (value is not TomlTable table) continue; // the parser reports a section that is not a table
            if (name == "profiles")
            {
                foreach (var (profile, settings) in table)
                    if (settings is TomlTable p)
                        foreach (var key in p.Keys.Where(k => Array.IndexOf(S3StoreSettings.KnownSettings, k.ToLowerInvariant()) < 0))
                            yield return Warning(path, Line(lines, $"profiles.{profile}", key, false), $"setting '{key}' of [profiles.{profile}]",
                                Nearest(key, S3StoreSettings.KnownSettings));
                continue;
            }
            foreach (var key in table.Keys.Where(k => Array.IndexOf(known, k) < 0))
                yield return Warning(path, Line(lines, name, key, false), $"setting '{key}' of [{name}]", Nearest(key, known));
        }
    }

    private static string Nearest(string typed, IEnumerable<string> known) => NearestName.Find(typed, known) is { } n ? $"'{n}'" : "nothing";

    private static string Warning(string path, int line, string what, string nearest) =>
        $"The agent configuration '{path}'{(line > 0 ? $" line {line}" : "")}: unknown {what} is ignored; did you mean {nearest}?";

    [GeneratedRegex(@"^\s*\[\[?\s*(?<name>[^\]]+?)\s*\]\]?\s*(#.*)?$")]
    private static partial Regex Header();

    [GeneratedRegex(@"^\s*(?<key>""[^""]*""|'[^']*'|[A-Za-z0-9_\-]+)\s*[=.]")]
    private static partial Regex Key();

    /// <summary>
    /// The 1-based line of a key (or, with <paramref name="isSection"/>, of a section header) under
    /// the table <paramref name="table"/> ("" for the root); 0 when it cannot be told.
    /// </summary>
    private static int Line(string[] lines, string table, string key, bool isSection)
    {
        var current = "";
        for (var i = 0; i < lines.Length; i++)
        {
            if (Header().Match(lines[i]) is { Success: true } h)
            {
                current = Normalize(h.Groups["name"].Value);
                if (isSection && (current == key || current.StartsWith(key + ".", StringComparison.Ordinal))) return i + 1;
                continue;
            }
            if (!isSection && current == table && Key().Match(lines[i]) is { Success: true } k && Unquote(k.Groups["key"].Value) == key)
                return i + 1;
        }
        return 0;
    }

    private static string Normalize(string dotted) => string.Join('.', dotted.Split('.').Select(p => Unquote(p.Trim())));

    private static string Unquote(string s) => s.Length >= 2 && (s[0] is '"' or '\'') && s[^1] == s[0] ? s[1..^1] : s;
}
