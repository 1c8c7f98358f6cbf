using MspMigration.Engine.Configuration;
using MspMigration.Engine.Stores.Local;
using MspMigration.Engine.Stores.S3;
using MspMigration.Engine.Stores.UrlList;

namespace MspMigration.Engine.Stores;

/// <summary>Opens the adapter for a store location with the credential profile an agent resolved.</summary>
public static class StoreFactory
{
    /// <param name="stall">The agent's stall_seconds: how long a request may move no byte before it is retried.</param>
    /// <param name="durable">Local destinations flush what they write before reporting it written (agent.toml fsync).</param>
    public static IObjectStore Open(StoreLocation location, CredentialProfile? profile, TimeSpan? stall = null, bool durable = true)
    {
        if (location.Scheme == StoreLocation.LocalScheme) return new LocalObjectStore(location.Bucket) { Durable = durable };
        if (location.Scheme == StoreLocation.UrlListScheme) return new UrlListStore(location.Bucket, location.Prefix, stall);
        if (S3Vendor.ForScheme(location.Scheme) is { } vendor)
        {
            ValidateBucket(location, vendor);
            return new S3ObjectStore(S3StoreSettings.From(vendor, profile, stall: stall), location.Bucket, location.Prefix);
        }
        throw new MigrationException("StoreSchemeNotSupported", MigrationErrorKind.NotImplemented,
            $"Stores of scheme '{location.Scheme}' are not supported by this build.", location.ToString());
    }

    /// <summary>Checks, at task creation, what can be checked without credentials; returns warnings for the operator.</summary>
    public static IReadOnlyList<string> ValidateSource(StoreLocation location)
    {
        if (location.Scheme == StoreLocation.LocalScheme && File.Exists(location.Bucket))
            throw new MigrationException("SourceNotADirectory", MigrationErrorKind.InvalidArgument,
                $"The source '{location.Bucket}' is a file, not a directory; give the directory that holds it (with -Include to pick files).", location.Bucket);
        if (location.Scheme == StoreLocation.LocalScheme && !Directory.Exists(location.Bucket))
            throw new MigrationException("SourceNotFound", MigrationErrorKind.ObjectNotFound,
                $"The source directory '{location.Bucket}' does not exist.", location.Bucket);
        if (S3Vendor.ForScheme(location.Scheme) is { } vendor) ValidateBucket(location, vendor);
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
        if (S3Vendor.ForScheme(location.Scheme) is { } vendor) ValidateBucket(location, vendor);
    }

    private static void ValidateBucket(StoreLocation location, S3Vendor vendor)
    {
        if (S3BucketNames.Problem(vendor, location.Bucket) is { } problem)
            throw new MigrationException("InvalidBucketName", MigrationErrorKind.InvalidArgument,
                $"'{location.Bucket}' is not a valid bucket name: {problem}.", location.Bucket);
    }
}
