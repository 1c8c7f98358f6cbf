using System.Text;
using System.Text.RegularExpressions;

namespace MspMigration.Engine.Policies;

/// <summary>
/// Wildcard patterns over object keys: '*' matches within one path segment, '**' across
/// segments, '?' one character, [abc] a set. A pattern without '/' matches the last segment
/// (the file name) at any depth, as rclone and .gitignore users expect.
/// </summary>
public sealed class Glob
{
    private readonly Regex _regex;

    private Glob(string pattern, Regex regex)
    {
        Pattern = pattern;
        _regex = regex;
    }

    public string Pattern { get; }

    public bool IsMatch(string key) => _regex.IsMatch(key);

    public static Glob Parse(string pattern, string parameterName)
    {
        if (string.IsNullOrWhiteSpace(pattern))
            throw Invalid(pattern, parameterName, "it is empty");
        var sb = new StringBuilder(pattern.Contains('/') ? "^" : "^(?:.*/)?");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            switch (c)
            {
                case '*' when i + 1 < pattern.Length && pattern[i + 1] == '*':
                    sb.Append(".*");
                    i++;
                    break;
                case '*':
                    sb.Append("[^/]*");
                    break;
                case '?':
                    sb.Append("[^/]");
                    break;
                case '[':
                    var close = pattern.IndexOf(']', i + 1);
                    if (close < 0) throw Invalid(pattern, parameterName, $"the '[' at position {i + 1} is never closed");
                    var set = pattern[(i + 1)..close];
                    if (set.Length == 0) throw Invalid(pattern, parameterName, $"the set at position {i + 1} is empty");
                    sb.Append('[').Append(set.StartsWith('!') ? "^" + Regex.Escape(set[1..]) : Regex.Escape(set)).Append(']');
                    i = close;
                    break;
                case ']':
                    throw Invalid(pattern, parameterName, $"the ']' at position {i + 1} closes nothing");
                default:
                    sb.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }
        sb.Append('$');
        return new Glob(pattern, new Regex(sb.ToString(), RegexOptions.CultureInvariant | RegexOptions.Singleline, TimeSpan.FromSeconds(1)));
    }

    private static MigrationException Invalid(string pattern, string parameterName, string why) =>
        new("InvalidPattern", MigrationErrorKind.InvalidArgument, $"{parameterName} pattern '{pattern}' is not valid: {why}.", pattern);
}
