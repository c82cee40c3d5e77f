namespace LuffyBlazor.Features.Storage;

/// <summary>
/// Where course media (covers, avatars, lesson videos) live: the local disk, Qiniu Kodo, an S3-compatible store or FastDFS,
/// chosen by <c>Storage:Provider</c>. Keys look like <c>covers/python.svg</c>; keys under <c>private/</c> (lesson
/// videos) are never reachable by a plain URL, only by <see cref="GetPrivateUrl"/>.
/// </summary>
public interface IFileStore
{
    /// <summary>Which provider this is (<c>Local</c>, <c>Qiniu</c>, <c>S3</c>, <c>FastDfs</c>), for messages and the uploader.</summary>
    StorageProvider Provider { get; }

    /// <summary>Stores <paramref name="content"/> under <paramref name="key"/>, replacing what was there.</summary>
    Task SaveAsync(string key, Stream content, string contentType, CancellationToken ct = default);

    /// <summary>Size and type of a stored file, or null when there is none.</summary>
    Task<StoredFile?> StatAsync(string key, CancellationToken ct = default);

    /// <summary>The file's content; <see cref="FileNotFoundException"/> when there is none.</summary>
    Task<Stream> OpenReadAsync(string key, CancellationToken ct = default);

    /// <summary>
    /// Part of the file: <paramref name="length"/> bytes from <paramref name="offset"/>, or to its end when null (a
    /// range request, served without reading the rest); <see cref="FileNotFoundException"/> when there is none.
    /// </summary>
    Task<Stream> OpenReadAsync(string key, long offset, long? length, CancellationToken ct = default);

    /// <summary>Removes the file; deleting a file that is not there is not an error.</summary>
    Task DeleteAsync(string key, CancellationToken ct = default);

    /// <summary>
    /// A URL a browser can load a public file from (covers, avatars). Stores that keep everything private (a private
    /// Qiniu bucket, an S3 bucket without a public base URL) answer a signed URL with the configured lifetime.
    /// </summary>
    string GetPublicUrl(string key);

    /// <summary>A signed URL that stops working after <paramref name="lifetime"/>: how lesson videos are played.</summary>
    string GetPrivateUrl(string key, TimeSpan lifetime);

    /// <summary>
    /// The origins an admin's browser sends uploads to, besides the site itself (Qiniu's upload hosts, the S3 bucket's
    /// endpoint): what a Content-Security-Policy's <c>connect-src</c> must allow. Empty for stores the app receives
    /// uploads for itself.
    /// </summary>
    IReadOnlyList<string> BrowserUploadOrigins => [];
}

public sealed record StoredFile(string Key, long Length, string ContentType, DateTimeOffset LastModified);

public enum StorageProvider
{
    Local,
    Qiniu,
    S3,
    FastDfs,
}

public static class StorageKeys
{
    /// <summary>Keys under this prefix are private: lesson videos, only ever served through signed URLs.</summary>
    public const string PrivatePrefix = "private/";

    /// <summary>
    /// Keys are relative paths of lower-case letters, digits, '-', '_', '.' and '/' segments; no segment may be
    /// empty, "." or "..", so no key can ever point outside the store.
    /// </summary>
    public static bool IsValid(string? key)
    {
        if (string.IsNullOrEmpty(key) || key.Length > 256 || key[0] == '/' || key[^1] == '/')
        {
            return false;
        }

        foreach (var segment in key.Split('/'))
        {
            if (segment.Length == 0 || segment == "." || segment == "..")
            {
                return false;
            }

            foreach (var c in segment)
            {
                if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_' or '.'))
                {
                    return false;
                }
            }
        }

        return true;
    }

    public static bool IsPrivate(string key) => key.StartsWith(PrivatePrefix, StringComparison.Ordinal);

    public static string Require(string key) =>
        IsValid(key) ? key : throw new ArgumentException($"'{key}' is not a valid storage key (lower-case letters, digits, - _ . and / only).", nameof(key));
}
