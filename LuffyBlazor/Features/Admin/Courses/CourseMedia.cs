using LuffyBlazor.Features.Storage;

namespace LuffyBlazor.Features.Admin.Courses;

/// <summary>
/// Where the back office's course uploads go, and their clean-up. Covers are public (<c>courses/covers/…</c>), lesson
/// videos private (<c>private/courses/videos/…</c>, played through signed URLs). Only keys under these folders are
/// ever deleted when replaced: the seed media are shared and stay.
/// </summary>
public static class CourseMedia
{
    public const string UploadRoot = "courses";
    public const string CoverPrefix = UploadRoot + "/covers";
    public const string VideoPrefix = UploadRoot + "/videos";

    /// <summary>The most a stored file name keeps (the column's length).</summary>
    public const int MaxFileNameLength = 256;

    /// <summary>
    /// A file name as the browser gave it, fit to store and show: without any folder part, trimmed, and cut to
    /// <see cref="MaxFileNameLength"/>; null when there is none.
    /// </summary>
    public static string? DisplayFileName(string? fileName)
    {
        var name = Path.GetFileName(fileName?.Replace('\\', '/'))?.Trim();
        return string.IsNullOrEmpty(name) ? null : name.Length <= MaxFileNameLength ? name : name[..MaxFileNameLength];
    }

    /// <summary>What the back office shows for a stored file: its own name when known, otherwise the key's last part.</summary>
    public static string DisplayName(string key, string? fileName) => fileName ?? key[(key.LastIndexOf('/') + 1)..];

    public static bool IsBackOfficeUpload(string? key) =>
        StorageKeys.IsValid(key)
        && (key!.StartsWith(UploadRoot + "/", StringComparison.Ordinal)
            || key.StartsWith(StorageKeys.PrivatePrefix + UploadRoot + "/", StringComparison.Ordinal));

    /// <summary>Deletes a replaced or removed file if the back office uploaded it; never fails the caller.</summary>
    public static async Task DeleteUploadedAsync(IFileStore files, string? key)
    {
        if (IsBackOfficeUpload(key))
        {
            try
            {
                await files.DeleteAsync(key!);
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException)
            {
                // Left behind: a stray file costs storage, not correctness.
            }
        }
    }
}
