using System.Text;
using MspMigration.Engine.Stores;
using MspMigration.Engine.Stores.Local;

namespace MspMigration.Tests.Unit.Stores.Local;

/// <summary>The store as it runs here: on Linux its per-object file calls go straight to the C library.</summary>
public class LocalObjectStoreTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("msp-local-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    protected virtual LocalObjectStore Open(string root) => new(root);

    private void Write(string key, string content = "x")
    {
        var path = Path.Combine(_root, key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    [Fact]
    public async Task Lists_nested_keys_in_utf8_order_across_pages()
    {
        string[] keys = ["a!", "a/b", "a/c/d", "a0", "b", "数据/x", "😀", "\uE000x", "A", "z/z/z/z"];
        foreach (var k in keys) Write(k);
        await using var store = Open(_root);
        var listed = new List<string>();
        string? after = null;
        do
        {
            var page = await store.ListAsync(after, 3, CancellationToken.None);
            Assert.True(page.Objects.Count <= 3);
            listed.AddRange(page.Objects.Select(o => o.Key));
            after = page.NextStartAfter;
        } while (after is not null);
        Assert.Equal(keys.OrderBy(k => k, Utf8OrdinalComparer.Instance), listed);
    }

    [Fact]
    public async Task Resumes_after_any_key_with_a_fresh_store()
    {
        foreach (var k in new[] { "a/1", "a/2", "b/1", "b/2", "c" }) Write(k);
        await using var store = Open(_root);
        var page = await store.ListAsync("a/2", 10, CancellationToken.None);
        Assert.Equal(["b/1", "b/2", "c"], page.Objects.Select(o => o.Key));
        page = await store.ListAsync("b", 10, CancellationToken.None);
        Assert.Equal(["b/1", "b/2", "c"], page.Objects.Select(o => o.Key));
        Assert.Null(page.NextStartAfter);
    }

    [Fact]
    public async Task Put_is_atomic_and_leaves_no_staging_behind()
    {
        await using (var store = Open(_root))
        {
            var data = Encoding.UTF8.GetBytes("hello world");
            var result = await store.PutAsync("x/y/z.txt", new MemoryStream(data), data.Length, null, null, null, CancellationToken.None);
            Assert.Equal(data.Length, result.Size);
            // The copier hashes what it reads; the local store reports no CRC of its own.
            Assert.Null(result.Crc64);
            Assert.Equal("hello world", File.ReadAllText(Path.Combine(_root, "x/y/z.txt")));
            var listed = await store.ListAsync(null, 100, CancellationToken.None);
            Assert.Equal(["x/y/z.txt"], listed.Objects.Select(o => o.Key));
        }
        Assert.False(Directory.Exists(Path.Combine(_root, LocalKeyMapper.StagingFolder)));
    }

    [Fact]
    public async Task Put_replaces_an_object_keeps_the_source_time_and_makes_missing_folders()
    {
        await using var store = Open(_root);
        var time = new DateTimeOffset(2020, 5, 6, 7, 8, 9, TimeSpan.Zero);
        await store.PutAsync("deep/er/k", new MemoryStream([1, 2, 3]), 3, null, null, null, CancellationToken.None);
        var result = await store.PutAsync("deep/er/k", new MemoryStream([4, 5]), 2, null, time, null, CancellationToken.None);
        Assert.Equal(2, result.Size);
        var path = Path.Combine(_root, "deep/er/k");
        Assert.Equal([4, 5], File.ReadAllBytes(path));
        Assert.Equal(time.UtcDateTime, File.GetLastWriteTimeUtc(path));
        await using var reader = await store.OpenReadAsync("deep/er/k", CancellationToken.None);
        Assert.Equal(2, reader.Info.Size);
        Assert.Equal(time, reader.Info.LastModified);
    }

    [Theory]
    [InlineData("2021-03-04T05:06:07.1234567Z")]
    [InlineData("1969-12-31T23:59:58.5Z")]
    public async Task Keeps_the_source_time_to_the_tick_before_1970_too(string when)
    {
        var time = DateTimeOffset.Parse(when, System.Globalization.CultureInfo.InvariantCulture);
        await using var store = Open(_root);
        await store.PutAsync("t", new MemoryStream([1]), 1, null, time, null, CancellationToken.None);
        Assert.Equal(time.UtcDateTime, File.GetLastWriteTimeUtc(Path.Combine(_root, "t")));
    }

    [Fact]
    public async Task A_key_below_an_existing_file_fails_cleanly()
    {
        await using var store = Open(_root);
        await store.PutAsync("a", new MemoryStream([1]), 1, null, null, null, CancellationToken.None);
        var e = await Assert.ThrowsAsync<StoreException>(() =>
            store.PutAsync("a/b", new MemoryStream([2]), 1, null, null, null, CancellationToken.None));
        Assert.Contains("a/b", e.Message);
        Assert.Equal([1], File.ReadAllBytes(Path.Combine(_root, "a")));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_root, LocalKeyMapper.StagingFolder), "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_failed_write_leaves_neither_the_object_nor_a_temp_file()
    {
        await using var store = Open(_root);
        await Assert.ThrowsAsync<IOException>(() =>
            store.PutAsync("k", new FailingStream(), 100, null, null, null, CancellationToken.None));
        Assert.False(File.Exists(Path.Combine(_root, "k")));
        Assert.Empty(Directory.GetFiles(Path.Combine(_root, LocalKeyMapper.StagingFolder), "*", SearchOption.AllDirectories));
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("a/../../escape")]
    [InlineData("/absolute")]
    [InlineData("a//b")]
    [InlineData("a/./b")]
    [InlineData("dir/")]
    [InlineData("nul\0byte")]
    [InlineData(".mspmigration-tmp/x")]
    [InlineData("")]
    public async Task Refuses_keys_that_escape_or_cannot_be_files(string key)
    {
        await using var store = Open(_root);
        var e = await Assert.ThrowsAsync<StoreException>(() =>
            store.PutAsync(key, new MemoryStream([1]), 1, null, null, null, CancellationToken.None));
        Assert.Equal(StoreErrorKind.InvalidKey, e.Kind);
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(_root)!, "escape"));
    }

    [Fact]
    public async Task Reading_a_missing_object_is_not_found()
    {
        await using var store = Open(_root);
        var e = await Assert.ThrowsAsync<StoreException>(() => store.OpenReadAsync("nope", CancellationToken.None));
        Assert.Equal(StoreErrorKind.NotFound, e.Kind);
    }

    [Fact]
    public async Task Control_characters_in_keys_are_escaped_in_messages()
    {
        await using var store = Open(_root);
        var e = await Assert.ThrowsAsync<StoreException>(() => store.OpenReadAsync("evil\u001b[2Jkey", CancellationToken.None));
        Assert.DoesNotContain('\u001b', e.Message);
        Assert.Contains("\\u001b", e.Message);
    }

    private sealed class FailingStream : Stream
    {
        private int _reads;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => 100;
        public override long Position { get => 0; set { } }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) =>
            _reads++ == 0 ? 10 : throw new IOException("connection reset");
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

/// <summary>The same tests through .NET's own file calls, which other systems use.</summary>
public sealed class LocalObjectStoreDotNetCallsTests : LocalObjectStoreTests
{
    protected override LocalObjectStore Open(string root) => new(root, libc: false);

    [GlibcLinuxFact]
    public void The_C_library_calls_are_the_ones_used_on_glibc_Linux()
    {
        // Otherwise both test classes would test .NET's calls and the store would run them too.
        Assert.True(LinuxFileCalls.Available);
    }
}

/// <summary>A fact that is skipped, with its reason, where glibc's libc.so.6 cannot be loaded.</summary>
public sealed class GlibcLinuxFactAttribute : FactAttribute
{
    public GlibcLinuxFactAttribute()
    {
        if (!OperatingSystem.IsLinux() || !System.Runtime.InteropServices.NativeLibrary.TryLoad("libc.so.6", out _))
            Skip = "not a glibc Linux system (libc.so.6 does not load)";
    }
}

public sealed class LocalStagingSweepTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("msp-sweep-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Files_left_by_a_dead_writer_are_swept_and_a_live_writers_kept()
    {
        var staging = Directory.CreateDirectory(Path.Combine(_root, LocalKeyMapper.StagingFolder)).FullName;
        var host = new string(Environment.MachineName.Select(c => char.IsLetterOrDigit(c) || c == '-' ? c : '_').ToArray());
        var shard = Directory.CreateDirectory(Path.Combine(staging, "3")).FullName;
        var dead = Path.Combine(shard, $"{host}.999999999.abc");
        var deadAtTop = Path.Combine(staging, $"{host}.999999998.abc");
        var live = Path.Combine(shard, $"{host}.{Environment.ProcessId}.def");
        File.WriteAllText(dead, "half");
        File.WriteAllText(deadAtTop, "half");
        File.WriteAllText(live, "in progress");
        await using var store = new LocalObjectStore(_root);
        Assert.False(File.Exists(dead));
        Assert.False(File.Exists(deadAtTop));
        Assert.True(File.Exists(live));
    }
}
