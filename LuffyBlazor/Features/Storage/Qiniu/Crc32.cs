namespace LuffyBlazor.Features.Storage.Qiniu;

/// <summary>CRC-32 (IEEE 802.3, the zip/PNG one): the checksum Qiniu's form upload verifies the file against.</summary>
public static class Crc32
{
    private static readonly uint[] Table = BuildTable();

    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        crc = ~crc;
        foreach (var b in data)
        {
            crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return ~crc;
    }

    public static uint Compute(ReadOnlySpan<byte> data) => Append(0, data);

    public static async Task<uint> ComputeAsync(Stream stream, CancellationToken ct)
    {
        var buffer = new byte[81920];
        uint crc = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer, ct)) > 0)
        {
            crc = Append(crc, buffer.AsSpan(0, read));
        }

        return crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            var c = i;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            }

            table[i] = c;
        }

        return table;
    }
}
