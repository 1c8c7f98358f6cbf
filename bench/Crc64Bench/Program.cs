// Throughput of the engine's own building blocks, for comparison with cat and cp:
//   crc                  CRC-64/XZ over an in-memory buffer (no I/O at all)
//   read <dir>           every file read through HashingReadStream, as the copier reads a source
//   copy <src> <dst>     every file copied by the local store's PutAsync, as the agent does, one at a time
using System.Diagnostics;
using MspMigration.Engine.Integrity;
using MspMigration.Engine.Streams;
using MspMigration.Engine.Stores.Local;

var mode = args.Length > 0 ? args[0] : "crc";
var clock = Stopwatch.StartNew();
long bytes = 0;
switch (mode)
{
    case "crc":
    {
        if (Crc64Xz.Compute("123456789"u8) != 0x995DC9BBDF1939FA) throw new InvalidOperationException("wrong CRC variant");
        var buffer = new byte[64 << 20];
        Random.Shared.NextBytes(buffer);
        Crc64Xz.Compute(buffer); // warm up: the vectorised path is JIT-compiled on first use
        clock.Restart();
        while (clock.Elapsed < TimeSpan.FromSeconds(3))
        {
            Crc64Xz.Compute(buffer);
            bytes += buffer.Length;
        }
        break;
    }
    case "read":
    {
        var buffer = new byte[256 * 1024];
        foreach (var path in Files(args[1]))
        {
            await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 0, FileOptions.SequentialScan);
            await using var hashing = new HashingReadStream(file);
            while (await hashing.ReadAsync(buffer) is var n and > 0) bytes += n;
        }
        break;
    }
    case "copy":
    {
        var source = new LocalObjectStore(args[1]);
        await using var destination = new LocalObjectStore(args[2]);
        foreach (var path in Files(args[1]))
        {
            var key = Path.GetRelativePath(args[1], path).Replace('\\', '/');
            await using var reader = await source.OpenReadAsync(key, default);
            await using var hashing = new HashingReadStream(reader.Content, leaveOpen: true);
            var put = await destination.PutAsync(key, hashing, reader.Info.Size, reader.Metadata, reader.Info.LastModified, null, default);
            // As the copier does: the CRC is of the bytes read; the local store reports the size it wrote.
            _ = hashing.Crc64;
            if (put.Size != reader.Info.Size || hashing.BytesRead != put.Size) throw new InvalidOperationException($"{key} did not verify");
            bytes += put.Size;
        }
        break;
    }
    default:
        Console.Error.WriteLine("usage: Crc64Bench crc | read <dir> | copy <src> <dst>");
        return 2;
}
var seconds = clock.Elapsed.TotalSeconds;
Console.WriteLine($"RESULT mode={mode} bytes={bytes} seconds={seconds:F3} mib_per_s={bytes / seconds / (1 << 20):F0}");
return 0;

static IEnumerable<string> Files(string root) =>
    Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal);
