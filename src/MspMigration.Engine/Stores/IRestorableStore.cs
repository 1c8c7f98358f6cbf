namespace MspMigration.Engine.Stores;

/// <summary>Where the restore of an archived object stands, as a HEAD tells it.</summary>
public enum RestoreState
{
    /// <summary>No restore was asked for (or the last one expired): the object is archived.</summary>
    NotRequested,
    /// <summary>A restore is under way: the object is not readable yet.</summary>
    InProgress,
    /// <summary>Restored, or not archived at all: a GET will read it.</summary>
    Readable,
    /// <summary>The object is gone from the source.</summary>
    Missing,
}

/// <summary>
/// An optional capability of a source (rclone-style): objects in an archive storage class can be
/// restored for a number of days, after which they are readable like any other.
/// </summary>
public interface IRestorableStore
{
    /// <summary>Where the object's restore stands.</summary>
    Task<RestoreState> GetRestoreStateAsync(string key, CancellationToken cancellationToken);

    /// <summary>Asks for the object to be restored for <paramref name="days"/> days; a restore already under way is no error.</summary>
    Task RequestRestoreAsync(string key, int days, CancellationToken cancellationToken);
}
