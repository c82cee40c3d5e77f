using Microsoft.Extensions.Options;

namespace LuffyBlazor.Features.Storage;

public enum MediaKind
{
    Image,
    Video,
}

/// <summary>One kind of file the school stores: its extension, its content type and whether it is an image or a video.</summary>
public sealed record MediaType(string Extension, string ContentType, MediaKind Kind);

/// <summary>An upload refused by the media rules; <see cref="Exception.Message"/> is shown to the admin as it is.</summary>
public sealed class MediaRejectedException(string message) : Exception(message);

/// <summary>
/// The types and sizes the school accepts. The content type always follows the key's extension, never what a
/// browser claims, so a stored file is served as what its name says.
/// </summary>
public sealed class MediaRules(IOptions<StorageOptions> options)
{
    public static readonly IReadOnlyList<MediaType> Types =
    [
        new(".png", "image/png", MediaKind.Image),
        new(".jpg", "image/jpeg", MediaKind.Image),
        new(".jpeg", "image/jpeg", MediaKind.Image),
        new(".webp", "image/webp", MediaKind.Image),
        new(".gif", "image/gif", MediaKind.Image),
        new(".svg", "image/svg+xml", MediaKind.Image),
        new(".mp4", "video/mp4", MediaKind.Video),
        new(".webm", "video/webm", MediaKind.Video),
    ];

    public static MediaType? TypeOf(string key)
    {
        var extension = Path.GetExtension(key);
        return Types.FirstOrDefault(t => string.Equals(t.Extension, extension, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The content type a key is stored and served with.</summary>
    public static string ContentTypeOf(string key) => TypeOf(key)?.ContentType ?? "application/octet-stream";

    public long MaxBytes(MediaKind kind) => kind == MediaKind.Video ? options.Value.MaxVideoBytes : options.Value.MaxImageBytes;

    /// <summary>Content types of one kind, as Qiniu's <c>mimeLimit</c> wants them (<c>image/png;image/jpeg</c>).</summary>
    public static string MimeLimit(MediaKind kind) =>
        string.Join(';', Types.Where(t => t.Kind == kind).Select(t => t.ContentType).Distinct());

    /// <summary>The type of <paramref name="key"/>, or a clear refusal when the school does not store such files.</summary>
    public static MediaType RequireType(string key) =>
        TypeOf(key) ?? throw new MediaRejectedException(
            $"不支持的文件类型“{Path.GetExtension(key)}”：只能上传 {string.Join("、", Types.Select(t => t.Extension.TrimStart('.')).Distinct())} 文件。");

    /// <summary>Refuses a file whose type is not allowed or whose size is over the limit of its kind.</summary>
    public MediaType Check(string key, long? length)
    {
        var type = RequireType(key);
        var max = MaxBytes(type.Kind);
        if (length is { } size && size > max)
        {
            throw TooLarge(type.Kind, size);
        }

        if (length is 0)
        {
            throw new MediaRejectedException("文件是空的，请重新选择。");
        }

        return type;
    }

    public MediaRejectedException TooLarge(MediaKind kind, long? size = null) => new(
        $"文件过大{(size is { } s ? $"（{FormatSize(s)}）" : "")}：{(kind == MediaKind.Video ? "视频" : "图片")}最大 {FormatSize(MaxBytes(kind))}。");

    public static string FormatSize(long bytes) => bytes switch
    {
        >= 1024 * 1024 * 1024 => $"{bytes / (1024d * 1024 * 1024):0.#} GB",
        >= 1024 * 1024 => $"{bytes / (1024d * 1024):0.#} MB",
        >= 1024 => $"{bytes / 1024d:0.#} KB",
        _ => $"{bytes} B",
    };
}
