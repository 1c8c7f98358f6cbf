namespace MspMigration.Engine.Stores.UrlList;

/// <summary>One usable line of a URL list: the destination key, the URL as written, its line number.</summary>
internal readonly record struct UrlListEntry(string Key, string Url, int Line);

/// <summary>A line that cannot be used, and why.</summary>
internal readonly record struct UrlListProblem(int Line, string Reason);

/// <summary>A line whose key an earlier line already has; the earlier line wins.</summary>
internal readonly record struct UrlListDuplicate(int Line, int KeptLine, string Key);
