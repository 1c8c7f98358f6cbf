using MspMigration.Engine.Stores;

namespace MspMigration.Engine.Policies;

/// <summary>
/// Decides at listing time which source objects belong to the task, so filtered objects never
/// enter the journal and never cost a request.
/// </summary>
public sealed class ObjectFilter
{
    private readonly MigrationTaskSettings _options;
    private readonly Glob[] _include;
    private readonly Glob[] _exclude;

    public ObjectFilter(MigrationTaskSettings options)
    {
        _options = options;
        _include = options.Include.Select(p => Glob.Parse(p, "Include")).ToArray();
        _exclude = options.Exclude.Select(p => Glob.Parse(p, "Exclude")).ToArray();
    }

    public bool IsEmpty => _include.Length == 0 && _exclude.Length == 0 && _options.KeyPrefix is null
        && _options.ModifiedAfter is null && _options.ModifiedBefore is null && _options.MinSize is null && _options.MaxSize is null;

    public bool Accepts(ObjectInfo o)
    {
        if (_options.KeyPrefix is { } prefix && !o.Key.StartsWith(prefix, StringComparison.Ordinal)) return false;
        if (_options.ModifiedAfter is { } after && o.LastModified <= after) return false;
        if (_options.ModifiedBefore is { } before && o.LastModified >= before) return false;
        if (_options.MinSize is { } min && o.Size < min) return false;
        if (_options.MaxSize is { } max && o.Size > max) return false;
        if (_include.Length > 0 && !_include.Any(g => g.IsMatch(o.Key))) return false;
        return !_exclude.Any(g => g.IsMatch(o.Key));
    }
}
