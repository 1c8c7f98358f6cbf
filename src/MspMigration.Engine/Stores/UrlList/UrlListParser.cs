namespace MspMigration.Engine.Stores.UrlList;

/// <summary>
/// Reads a URL list: one absolute http(s) URL a line; blank lines and lines starting with '#'
/// are ignored; surrounding whitespace is trimmed. Every line is checked, so that one pass
/// reports all malformed lines.
/// </summary>
internal static class UrlListParser
{
    public static UrlListIndex Load(string path, string stripPrefix)
    {
        // Shared read: an operator may have the list open in an editor.
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 64 * 1024, FileOptions.SequentialScan);
        using var reader = new StreamReader(stream, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return Parse(reader, stripPrefix);
    }

    public static UrlListIndex Parse(TextReader reader, string stripPrefix)
    {
        var entries = new List<UrlListEntry>();
        var problems = new List<UrlListProblem>();
        var lineNumber = 0;
        while (reader.ReadLine() is { } raw)
        {
            lineNumber++;
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            var reason = UrlKeyMapper.TryMap(line, stripPrefix, out var key);
            if (reason is null) entries.Add(new UrlListEntry(key, line, lineNumber));
            else problems.Add(new UrlListProblem(lineNumber, reason));
        }
        // The line number breaks ties, so the first line of a duplicated key always wins.
        entries.Sort(static (a, b) =>
        {
            var c = Utf8OrdinalComparer.Instance.Compare(a.Key, b.Key);
            return c != 0 ? c : a.Line.CompareTo(b.Line);
        });
        var duplicates = new List<UrlListDuplicate>();
        var unique = new List<UrlListEntry>(entries.Count);
        foreach (var e in entries)
        {
            if (unique.Count > 0 && unique[^1].Key == e.Key) duplicates.Add(new UrlListDuplicate(e.Line, unique[^1].Line, e.Key));
            else unique.Add(e);
        }
        duplicates.Sort(static (a, b) => a.Line.CompareTo(b.Line));
        return new UrlListIndex(unique.ToArray(), duplicates, problems);
    }
}
