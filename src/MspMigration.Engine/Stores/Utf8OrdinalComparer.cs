namespace MspMigration.Engine.Stores;

/// <summary>
/// Orders strings by their UTF-8 bytes, the order S3 listings use. UTF-16 ordinal order
/// differs only where surrogate pairs meet U+E000–U+FFFF, which this corrects without encoding.
/// </summary>
public sealed class Utf8OrdinalComparer : IComparer<string>
{
    public static readonly Utf8OrdinalComparer Instance = new();

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y)) return 0;
        if (x is null) return -1;
        if (y is null) return 1;
        var n = Math.Min(x.Length, y.Length);
        for (var i = 0; i < n; i++)
        {
            var a = x[i];
            var b = y[i];
            if (a != b) return Rank(a) - Rank(b);
        }
        return x.Length - y.Length;
    }

    // Surrogates (4-byte UTF-8) sort after every BMP character (at most 3 bytes).
    private static int Rank(char c) => c >= 0xE000 ? c - 0x800 : c >= 0xD800 ? c + 0x2000 : c;
}
