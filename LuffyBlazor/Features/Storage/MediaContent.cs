using System.Text;

namespace LuffyBlazor.Features.Storage;

/// <summary>
/// What a file's first bytes say it is, judged against what its name claims: PNG, JPEG, GIF and WebP by their
/// signatures, SVG as XML text with an <c>&lt;svg</c> element, MP4 by its <c>ftyp</c> box, WebM by its EBML header. A
/// file that is not what its extension says (an HTML page named <c>cover.png</c>, a script named <c>lesson.mp4</c>) is
/// refused, whichever way it arrived: through the app, straight to a store (checked when the upload is confirmed), by
/// seeding or by migration.
/// </summary>
public static partial class MediaContent
{
    /// <summary>How many leading bytes the check reads (an SVG may open with an XML prolog and comments).</summary>
    public const int HeadLength = 4096;

    public static bool Matches(MediaType type, ReadOnlySpan<byte> head) => type.Extension switch
    {
        ".png" => head.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]),
        ".jpg" or ".jpeg" => head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]),
        ".gif" => head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8),
        ".webp" => head.Length >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8),
        ".svg" => IsSvg(head),
        // ISO base media: the first box is 'ftyp' (its size, then the type at offset 4).
        ".mp4" => head.Length >= 12 && head[4..8].SequenceEqual("ftyp"u8),
        // Matroska/WebM: the EBML magic.
        ".webm" => head.StartsWith((ReadOnlySpan<byte>)[0x1A, 0x45, 0xDF, 0xA3]),
        _ => false,
    };

    /// <summary>The refusal an admin sees for content that is not what its name says.</summary>
    public static MediaRejectedException Mismatch(MediaType type) =>
        new($"文件内容与类型不符：这不是一个真正的 {type.Extension.TrimStart('.')} 文件，请检查后重新上传。");

    /// <summary>Reads up to <see cref="HeadLength"/> bytes of a stored file and refuses it unless they match its type.</summary>
    public static async Task RequireAsync(IFileStore store, string key, MediaType type, CancellationToken ct)
    {
        var head = new byte[HeadLength];
        int read;
        await using (var content = await store.OpenReadAsync(key, 0, HeadLength, ct))
        {
            read = await content.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct);
        }

        if (!Matches(type, head.AsSpan(0, read)))
        {
            throw Mismatch(type);
        }
    }

    /// <summary>
    /// Checks the head of <paramref name="content"/> and returns a stream that reads the whole content again from its
    /// start, without buffering more than the head: the same stream rewound when it can seek, otherwise the head
    /// followed by the rest.
    /// </summary>
    public static async Task<Stream> RequireAsync(Stream content, MediaType type, CancellationToken ct)
    {
        var start = content.CanSeek ? content.Position : 0;
        var head = new byte[HeadLength];
        var read = await content.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct);
        if (!Matches(type, head.AsSpan(0, read)))
        {
            throw Mismatch(type);
        }

        if (content.CanSeek)
        {
            content.Position = start;
            return content;
        }

        return new HeadThenRestStream(head.AsMemory(0, read), content);
    }

    private static bool IsSvg(ReadOnlySpan<byte> head)
    {
        if (head.IndexOf((byte)0) >= 0)
        {
            return false;
        }

        return SvgStart().IsMatch(Encoding.UTF8.GetString(head).TrimStart('\uFEFF'));
    }

    /// <summary>An XML prolog, comments and a DOCTYPE at most, then the root element <c>&lt;svg</c>.</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"^\s*(<\?xml[^>]*\?>\s*)?((<!--.*?-->|<!DOCTYPE[^>]*>)\s*)*<svg[\s>/]", System.Text.RegularExpressions.RegexOptions.Singleline)]
    private static partial System.Text.RegularExpressions.Regex SvgStart();

    /// <summary>Reads bytes already taken from a stream, then the rest of it.</summary>
    private sealed class HeadThenRestStream(ReadOnlyMemory<byte> head, Stream rest) : ReadOnlyForwardStream
    {
        private ReadOnlyMemory<byte> remaining = head;

        public override int Read(Span<byte> buffer)
        {
            if (remaining.IsEmpty)
            {
                return rest.Read(buffer);
            }

            var n = Math.Min(buffer.Length, remaining.Length);
            remaining.Span[..n].CopyTo(buffer);
            remaining = remaining[n..];
            return n;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
        {
            if (remaining.IsEmpty)
            {
                return await rest.ReadAsync(buffer, ct);
            }

            var n = Math.Min(buffer.Length, remaining.Length);
            remaining[..n].CopyTo(buffer);
            remaining = remaining[n..];
            return n;
        }

        // The caller owns the wrapped stream.
        protected override void Dispose(bool disposing)
        {
        }
    }
}
