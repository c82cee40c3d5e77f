namespace LuffyBlazor.Tests.Infrastructure;

/// <summary>Files whose first bytes are what their type says (the media rules check them), padded to any size.</summary>
public static class TestMedia
{
    public static byte[] Png(int size) => Padded([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A], size);

    public static byte[] Webm(int size) => Padded([0x1A, 0x45, 0xDF, 0xA3], size);

    public static byte[] Mp4(int size) => Padded([0, 0, 0, 0x18, (byte)'f', (byte)'t', (byte)'y', (byte)'p', (byte)'i', (byte)'s', (byte)'o', (byte)'m'], size);

    public static byte[] Svg => "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1\" height=\"1\"/>"u8.ToArray();

    public static byte[] Of(string key, int size) => Path.GetExtension(key) switch
    {
        ".png" => Png(size),
        ".webm" => Webm(size),
        ".mp4" => Mp4(size),
        _ => throw new ArgumentException($"no test media for {key}", nameof(key)),
    };

    private static byte[] Padded(byte[] magic, int size)
    {
        var bytes = new byte[Math.Max(size, magic.Length)];
        new Random(size).NextBytes(bytes);
        magic.CopyTo(bytes, 0);
        return bytes;
    }
}
