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

    /// <summary>
    /// A real, playable MP4 (a seeded lesson clip: <c>ftyp</c>, <c>moov</c> first, <c>mdat</c>) grown to
    /// <paramref name="size"/> bytes by a trailing <c>free</c> box, which players skip: a "large video" that costs a
    /// sparse file on disk, not a real encode.
    /// </summary>
    public static string LargeMp4(string folder, long size)
    {
        var clip = File.ReadAllBytes(Path.Combine(RepositoryPaths.Root, "wwwroot-assets/private/videos/vue-reactivity.mp4"));
        var path = Path.Combine(folder, $"lesson-{size}.mp4");
        using var file = new FileStream(path, FileMode.Create);
        file.Write(clip);
        var free = new byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(free, checked((uint)(size - clip.Length)));
        "free"u8.CopyTo(free.AsSpan(4));
        file.Write(free);
        file.SetLength(size);
        return path;
    }

    private static byte[] Padded(byte[] magic, int size)
    {
        var bytes = new byte[Math.Max(size, magic.Length)];
        new Random(size).NextBytes(bytes);
        magic.CopyTo(bytes, 0);
        return bytes;
    }
}
