using MspMigration.Engine.Configuration;
using MspMigration.Engine.Stores.Local;
using MspMigration.Engine.Stores.UrlList;

namespace MspMigration.Engine.Stores;

/// <summary>Opens the adapter for a store location with the credential profile an agent resolved.</summary>
public static class StoreFactory
{
    public static IObjectStore Open(StoreLocation location, CredentialProfile? profile)
    {
        return location.Scheme switch
        {
            StoreLocation.LocalScheme => new LocalObjectStore(location.Bucket),
            StoreLocation.UrlListScheme => new UrlListStore(location.Bucket, location.Prefix),
            _ => throw new MigrationException("StoreSchemeNotSupported", MigrationErrorKind.NotImplemented,
                $"Stores of scheme '{location.Scheme}' are not supported by this build.", location.ToString()),
        };
    }

    /// <summary>Checks, at task creation, what can be checked without credentials; returns warnings for the operator.</summary>
    public static IReadOnlyList<string> ValidateSource(StoreLocation location)
    {
        if (location.Scheme == StoreLocation.LocalScheme && !Directory.Exists(location.Bucket))
            throw new MigrationException("SourceNotFound", MigrationErrorKind.ObjectNotFound,
                $"The source directory '{location.Bucket}' does not exist.", location.Bucket);
        if (location.Scheme == StoreLocation.UrlListScheme)
            return UrlListValidation.Validate(location.Bucket, location.Prefix);
        return [];
    }

    public static void ValidateDestination(StoreLocation location)
    {
        if (location.Scheme == StoreLocation.UrlListScheme)
            throw new MigrationException("DestinationReadOnly", MigrationErrorKind.InvalidArgument,
                $"A URL list is a source only; it cannot be the destination ({location}).", location.ToString());
        if (location.Scheme == StoreLocation.LocalScheme && File.Exists(location.Bucket))
            throw new MigrationException("DestinationNotADirectory", MigrationErrorKind.InvalidArgument,
                $"The destination '{location.Bucket}' is a file, not a directory.", location.Bucket);
    }
}
