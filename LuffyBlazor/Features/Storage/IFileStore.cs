namespace LuffyBlazor.Features.Storage;

/// <summary>Where course media (covers, avatars, lesson videos) live. Keys look like <c>covers/python.svg</c>.</summary>
public interface IFileStore
{
    /// <summary>Stores <paramref name="content"/> under <paramref name="key"/>, replacing what was there.</summary>
    Task SaveAsync(string key, Stream content, string contentType, CancellationToken ct = default);

    /// <summary>Size and type of a stored file, or null when there is none.</summary>
    Task<StoredFile?> StatAsync(string key, CancellationToken ct = default);

    Task<Stream> OpenReadAsync(string key, CancellationToken ct = default);

    Task DeleteAsync(string key, CancellationToken ct = default);

    /// <summary>A URL a browser can load the (public) file from.</summary>
    string GetPublicUrl(string key);
}

public sealed record StoredFile(string Key, long Length, string ContentType, DateTimeOffset LastModified);

public static class StorageKeys
{
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

    public static string Require(string key) =>
        IsValid(key) ? key : throw new ArgumentException($"'{key}' is not a valid storage key (lower-case letters, digits, - _ . and / only).", nameof(key));
}
