using MspMigration.Engine.Configuration;

namespace MspMigration.Engine.Stores.Local;

/// <summary><c>local:///path</c>, <c>file:///path</c> or a plain path: a directory acting as a bucket.</summary>
public sealed class LocalStoreKind : IStoreKind
{
    public static readonly LocalStoreKind Instance = new();

    public static readonly StoreCapabilities Declared =
        new(Writable: true, ListsSizesAndTimes: true, KeepsModificationTimes: true, HashKind.None, RangedReads: true);

    private LocalStoreKind() { }

    public IReadOnlyList<string> Schemes { get; } = ["local", "file"];
    public bool TakesPlainPaths => true;
    public string Example => "local:///path (or a plain directory path)";

    public StoreLocation Parse(string scheme, string rest, string text, string parameterName)
    {
        if (rest.Length == 0)
            throw new MigrationException("InvalidStoreUri", MigrationErrorKind.InvalidArgument, $"{parameterName} '{text}' names no directory.", text);
        return new StoreLocation(Schemes[0], Path.GetFullPath(rest), "");
    }

    public string Format(StoreLocation location) => $"{Schemes[0]}://{location.Bucket}";

    public string? WithAbsolutePaths(string rest, Func<string, string> resolvePath) =>
        rest.Length == 0 ? null : $"{Schemes[0]}://{resolvePath(rest)}";

    public StoreCapabilities Capabilities(StoreLocation location) => Declared;

    public IReadOnlyList<string> ValidateSource(StoreLocation location)
    {
        if (File.Exists(location.Bucket))
            throw new MigrationException("SourceNotADirectory", MigrationErrorKind.InvalidArgument,
                $"The source '{location.Bucket}' is a file, not a directory; give the directory that holds it (with -Include to pick files).", location.Bucket);
        if (!Directory.Exists(location.Bucket))
            throw new MigrationException("SourceNotFound", MigrationErrorKind.ObjectNotFound,
                $"The source directory '{location.Bucket}' does not exist.", location.Bucket);
        return [];
    }

    public void ValidateDestination(StoreLocation location)
    {
        if (File.Exists(location.Bucket))
            throw new MigrationException("DestinationNotADirectory", MigrationErrorKind.InvalidArgument,
                $"The destination '{location.Bucket}' is a file, not a directory.", location.Bucket);
    }

    public StorePlace Place(StoreLocation location, string? profileName, CredentialProfile? profile) => new(Folder: location.Bucket);

    public IObjectStore Open(StoreLocation location, CredentialProfile? profile, StoreOpenOptions options) =>
        new LocalObjectStore(location.Bucket) { Durable = options.Durable };
}
