namespace MspMigration.Engine.Stores.Local;

/// <summary>
/// A directory acting as a bucket: keys with '/' are nested paths. Writes are staged in a
/// reserved folder on the same file system and renamed into place, so a crash never leaves
/// a half-written object under its final name.
/// </summary>
public sealed class LocalObjectStore : IObjectStore
{
    private const int CopyBufferSize = 256 * 1024;
    private readonly string _root;
    private readonly object _cursorLock = new();
    // The walker is resumed when the next page starts where the last one ended,
    // so listing N pages costs one walk rather than N.
    private IEnumerator<ObjectInfo>? _cursor;
    private string? _cursorLastKey;
    private int _nextShard;
    private readonly bool _libc;
    private readonly FolderFlusher _folders;

    public LocalObjectStore(string root) : this(root, LinuxFileCalls.Available) { }

    /// <param name="libc">Make the per-object file calls straight to the C library (Linux); tests run both ways.</param>
    internal LocalObjectStore(string root, bool libc)
    {
        _libc = libc && LinuxFileCalls.Available;
        _folders = new FolderFlusher(_libc ? LinuxFileCalls.FlushFolder : _ => { });
        _root = Path.GetFullPath(root);
        StagingNames.SweepOrphans(Path.Combine(_root, LocalKeyMapper.StagingFolder));
    }

    public string Root => _root;

    /// <summary>
    /// Each object written is on disk when PutAsync returns: its data is flushed before it is
    /// renamed into place and its folder after (folders in groups, see FolderFlusher), so an
    /// outcome recorded after it survives a power cut. Off (agent.toml fsync = false) for scratch copies.
    /// Folder entries are flushed on Linux only: .NET cannot open a folder for fsync elsewhere.
    /// </summary>
    public bool Durable { get; init; } = true;
    public string Description => $"local://{_root}";
    public StoreCapabilities Capabilities => LocalStoreKind.Declared;

    public Task<ObjectPage> ListAsync(string? startAfter, int maxKeys, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(_root))
            throw new StoreException(StoreErrorKind.NotFound, $"Directory '{_root}' does not exist.");
        lock (_cursorLock)
        {
            if (_cursor is null || _cursorLastKey != startAfter)
            {
                _cursor?.Dispose();
                _cursor = LocalTreeWalker.Walk(_root, startAfter).GetEnumerator();
            }
            var page = new List<ObjectInfo>(Math.Min(maxKeys, 1024));
            try
            {
                while (page.Count < maxKeys)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (!_cursor.MoveNext())
                    {
                        _cursor.Dispose();
                        _cursor = null;
                        _cursorLastKey = null;
                        return Task.FromResult(new ObjectPage(page, null));
                    }
                    page.Add(_cursor.Current);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _cursor?.Dispose();
                _cursor = null;
                throw new StoreException(StoreErrorKind.Transient, $"Listing '{_root}' failed: {e.Message}", e);
            }
            _cursorLastKey = page[^1].Key;
            return Task.FromResult(new ObjectPage(page, _cursorLastKey));
        }
    }

    public Task<ObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken)
    {
        var info = new FileInfo(LocalKeyMapper.ToPath(_root, key));
        return Task.FromResult(info.Exists ? new ObjectInfo(key, info.Length, info.LastWriteTimeUtc) : null);
    }

    public Task<ObjectReader> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        var path = LocalKeyMapper.ToPath(_root, key);
        try
        {
            // Size and time from the open file, not its path: they describe the bytes about to be read.
            var what = $"Object '{Printable.Key(key)}' in {Description}";
            if (_libc)
            {
                var file = LinuxFileCalls.OpenRead(path, out var stamp);
                return Task.FromResult(new ObjectReader(new LocalReadStream(file, stamp, path, what, libc: true), new ObjectInfo(key, stamp.Size, stamp.Modified)));
            }
            var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            try
            {
                var before = FileStamp.Of(handle);
                var info = new ObjectInfo(key, before.Size, before.Modified);
                return Task.FromResult(new ObjectReader(new LocalReadStream(handle, before, path, what, libc: false), info));
            }
            catch
            {
                handle.Dispose();
                throw;
            }
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new StoreException(StoreErrorKind.NotFound, $"Object '{Printable.Key(key)}' does not exist in {Description} ({e.GetType().Name}).", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new StoreException(StoreErrorKind.AccessDenied, $"Object '{Printable.Key(key)}' in {Description} cannot be read: access denied.", e);
        }
        catch (IOException e)
        {
            throw new StoreException(StoreErrorKind.Other, $"Object '{Printable.Key(key)}' in {Description} cannot be read: {e.Message}", e);
        }
    }

    public async Task<PutResult> PutAsync(string key, Stream content, long length, ObjectMetadata? metadata, DateTimeOffset? lastModified, byte[]? contentMd5, CancellationToken cancellationToken)
    {
        var path = LocalKeyMapper.ToPath(_root, key);
        var staging = Path.Combine(_root, LocalKeyMapper.StagingFolder, StagingNames.Shard(Interlocked.Increment(ref _nextShard)));
        var temp = Path.Combine(staging, StagingNames.NewName());
        // A failure reading the source is the source's (often transient) failure, not this store's.
        var sourceFailed = false;
        try
        {
            long written = 0;
            using (var file = CreateStagingFile(staging, temp, _libc))
            {
                var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(CopyBufferSize);
                try
                {
                    while (true)
                    {
                        int n;
                        try
                        {
                            n = await content.ReadAsync(buffer.AsMemory(0, CopyBufferSize), cancellationToken).ConfigureAwait(false);
                        }
                        catch
                        {
                            sourceFailed = true;
                            throw;
                        }
                        if (n == 0) break;
                        // Blocking write: see LocalReadStream for why not WriteAsync.
                        if (_libc) LinuxFileCalls.Write(file, buffer.AsSpan(0, n), written, temp);
                        else RandomAccess.Write(file, buffer.AsSpan(0, n), written);
                        written += n;
                    }
                }
                finally
                {
                    System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
                }
                if (lastModified is { } mtime) SetModified(file, temp, mtime, _libc);
                if (Durable) FlushData(file, temp, _libc);
            }
            var madeFolders = MoveIntoPlace(temp, path, _libc);
            if (Durable) await _folders.FlushAsync(FoldersToFlush(path, madeFolders)).ConfigureAwait(false);
            // No CRC here: the bytes written are the buffer the copier has just hashed as it read them.
            return new PutResult(written, null, null);
        }
        catch (Exception e) when (!sourceFailed && e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            var kind = e is UnauthorizedAccessException ? StoreErrorKind.AccessDenied : StoreErrorKind.Other;
            throw new StoreException(kind, $"Object '{Printable.Key(key)}' cannot be written to {Description}: {e.Message}", e);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        File.Delete(LocalKeyMapper.ToPath(_root, key));
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        lock (_cursorLock) _cursor?.Dispose();
        StagingNames.SweepOrphans(Path.Combine(_root, LocalKeyMapper.StagingFolder));
        // Leave no trace in the destination: the staging folders go when they are empty.
        var staging = Path.Combine(_root, LocalKeyMapper.StagingFolder);
        for (var shard = 0; shard < StagingNames.Shards; shard++) TryDeleteEmptyFolder(Path.Combine(staging, StagingNames.Shard(shard)));
        TryDeleteEmptyFolder(staging);
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Folders are made only when a call fails for want of them: on a running copy they nearly
    /// always exist, and asking first would cost a system call or two per object.
    /// </summary>
    private static Microsoft.Win32.SafeHandles.SafeFileHandle CreateStagingFile(string staging, string temp, bool libc)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return libc ? LinuxFileCalls.CreateNew(temp) : File.OpenHandle(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None);
            }
            catch (IOException e) when (IsMissingFolder(e) && attempt < 3)
            {
                // First write, or another agent removed the empty staging folder as it stopped.
                Directory.CreateDirectory(staging);
            }
        }
    }

    private static void SetModified(Microsoft.Win32.SafeHandles.SafeFileHandle file, string path, DateTimeOffset time, bool libc)
    {
        if (libc) LinuxFileCalls.SetModified(file, path, time);
        else File.SetLastWriteTimeUtc(file, time.UtcDateTime);
    }

    private static void FlushData(Microsoft.Win32.SafeHandles.SafeFileHandle file, string path, bool libc)
    {
        if (libc) LinuxFileCalls.FlushData(file, path);
        else RandomAccess.FlushToDisk(file);
    }

    /// <summary>Moves the staged file into place; true when folders had to be made for it.</summary>
    private static bool MoveIntoPlace(string temp, string path, bool libc)
    {
        try
        {
            Move(temp, path, libc);
            return false;
        }
        catch (IOException e) when (IsMissingFolder(e) && File.Exists(temp))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            Move(temp, path, libc);
            return true;
        }
    }

    /// <summary>The file's folder; and when folders were made for it, every folder up to the root, which now name them.</summary>
    private IEnumerable<string> FoldersToFlush(string path, bool madeFolders)
    {
        var folder = Path.GetDirectoryName(path)!;
        yield return folder;
        if (!madeFolders) yield break;
        while (folder.Length > _root.Length && Path.GetDirectoryName(folder) is { } parent)
        {
            yield return parent;
            folder = parent;
        }
    }

    private static void Move(string temp, string path, bool libc)
    {
        if (libc) LinuxFileCalls.Rename(temp, path);
        else File.Move(temp, path, overwrite: true);
    }

    // ENOENT: .NET says DirectoryNotFound if the folder is still missing when it looks, but
    // FileNotFound if another worker made it meanwhile; either way, make it and try again.
    private static bool IsMissingFolder(IOException e) => e is DirectoryNotFoundException or FileNotFoundException;

    private static void TryDeleteEmptyFolder(string path)
    {
        try { Directory.Delete(path, recursive: false); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
