using System.IO.Hashing;

namespace MspMigration.Engine.Integrity;

/// <summary>
/// CRC-64/XZ (ECMA-182 polynomial, reflected, all-ones init and xor-out): the
/// variant OSS (x-oss-hash-crc64ecma) and COS (x-cos-hash-crc64ecma) report.
/// The default System.IO.Hashing.Crc64 is a different variant.
/// </summary>
public static class Crc64Xz
{
    private static readonly Crc64ParameterSet Parameters =
        Crc64ParameterSet.Create(0x42F0E1EBA9EA3693, ulong.MaxValue, ulong.MaxValue, true);

    public static Crc64 Create() => new(Parameters);

    public static ulong Compute(ReadOnlySpan<byte> data)
    {
        var crc = Create();
        crc.Append(data);
        return crc.GetCurrentHashAsUInt64();
    }

    /// <summary>Parses the decimal uint64 form the vendors put in their headers.</summary>
    public static bool TryParseHeader(string? value, out ulong crc)
    {
        crc = 0;
        return !string.IsNullOrWhiteSpace(value)
            && ulong.TryParse(value.Trim(), System.Globalization.NumberStyles.None,
                System.Globalization.CultureInfo.InvariantCulture, out crc);
    }
}
