using System.Globalization;
using System.Security.Cryptography;
using LuffyBlazor.Features.Storage;

namespace LuffyBlazor.Features.Admin.Courses;

public enum MediaKind
{
    CourseCover,
    LessonVideo,
}

/// <summary>What may be uploaded as each kind of media: file types (by extension) and size.</summary>
public sealed record MediaRule(IReadOnlyList<string> Extensions, long MaxBytes)
{
    public static MediaRule For(MediaKind kind) => kind switch
    {
        // No SVG: an SVG served from our own origin could carry script.
        MediaKind.CourseCover => new([".png", ".jpg", ".jpeg", ".webp", ".gif"], 5L * 1024 * 1024),
        _ => new([".mp4", ".webm", ".m4v"], 2L * 1024 * 1024 * 1024),
    };

    /// <summary>The file input's <c>accept</c> attribute.</summary>
    public string Accept => string.Join(",", Extensions);
}

/// <summary>
/// Course media uploads into <see cref="IFileStore"/> (local disk today, Qiniu or S3 later): checks a file, picks
/// its key and copies it in while reporting progress. Uploaded keys live under <c>courses/</c>, so only files
/// the back office uploaded are ever deleted when replaced (the seed media are shared and stay).
/// </summary>
public sealed class CourseMedia(IFileStore files, TimeProvider clock)
{
    public const string UploadRoot = "courses";

    /// <summary>Null when the file is acceptable, otherwise why not.</summary>
    public static string? Check(MediaKind kind, string fileName, long size)
    {
        var rule = MediaRule.For(kind);
        var extension = Path.GetExtension(fileName).ToLowerInvariant();
        if (!rule.Extensions.Contains(extension))
        {
            return $"只能上传 {string.Join(" / ", rule.Extensions)} 文件";
        }

        if (size <= 0)
        {
            return "文件是空的";
        }

        return size > rule.MaxBytes ? $"文件不能超过 {FormatSize(rule.MaxBytes)}" : null;
    }

    /// <summary>"courses/12/cover-20261125083005-9f2c4e1a.png": unique, readable, a valid storage key.</summary>
    public string NewKey(MediaKind kind, string owner, string fileName)
    {
        var stamp = clock.GetUtcNow().ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        var random = Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant();
        var name = kind == MediaKind.CourseCover ? "cover" : "video";
        return StorageKeys.Require($"{UploadRoot}/{owner.ToLowerInvariant()}/{name}-{stamp}-{random}{Path.GetExtension(fileName).ToLowerInvariant()}");
    }

    /// <summary>Stores the upload under a new key, reporting the bytes copied so far; answers the key.</summary>
    public async Task<string> SaveAsync(
        MediaKind kind, string owner, string fileName, string contentType, Stream content, IProgress<long>? progress, CancellationToken ct = default)
    {
        var key = NewKey(kind, owner, fileName);
        await using var counted = new ProgressStream(content, progress);
        await files.SaveAsync(key, counted, contentType, ct);
        return key;
    }

    /// <summary>Deletes a replaced or removed file if the back office uploaded it; never fails the caller.</summary>
    public static async Task DeleteUploadedAsync(IFileStore files, string? key)
    {
        if (StorageKeys.IsValid(key) && key!.StartsWith(UploadRoot + "/", StringComparison.Ordinal))
        {
            try
            {
                await files.DeleteAsync(key);
            }
            catch (IOException)
            {
                // Left behind: a stray file costs disk, not correctness.
            }
        }
    }

    public static string FormatSize(long bytes) => bytes switch
    {
        >= 1024L * 1024 * 1024 => $"{bytes / (1024.0 * 1024 * 1024):0.#} GB",
        >= 1024 * 1024 => $"{bytes / (1024.0 * 1024):0.#} MB",
        _ => $"{Math.Max(1, bytes / 1024)} KB",
    };

    /// <summary>A read-only pass-through that reports how many bytes have been read.</summary>
    private sealed class ProgressStream(Stream inner, IProgress<long>? progress) : Stream
    {
        private long read;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => inner.Length;
        public override long Position { get => read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) =>
            Count(await inner.ReadAsync(buffer, ct));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
            ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

        private int Count(int bytes)
        {
            read += bytes;
            progress?.Report(read);
            return bytes;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
