using Microsoft.Extensions.Options;

namespace LuffyBlazor.Features.Storage.Local;

/// <summary>Section <c>Storage:Local</c>.</summary>
public sealed class LocalStorageOptions
{
    public const string Section = "Storage:Local";
    public const string DevelopmentKeyFile = "media_signing_key.txt";

    /// <summary>Folder of the files, relative to the content root.</summary>
    public string Root { get; set; } = "App_Data/media";

    /// <summary>URL path the files are served under.</summary>
    public string RequestPath { get; set; } = "/media";

    /// <summary>HMAC key (at least 32 bytes) of the signed URLs of private files; generated into <c>keys/</c> in Development.</summary>
    public string SigningKey { get; set; } = "";

    public IEnumerable<string> Problems(IHostEnvironment environment)
    {
        if (string.IsNullOrWhiteSpace(Root))
        {
            yield return "Storage:Local:Root is required (a folder, relative to LuffyBlazor/ or absolute).";
        }

        if (!RequestPath.StartsWith('/') || RequestPath.TrimEnd('/').Length < 2)
        {
            yield return $"Storage:Local:RequestPath must be a URL path such as /media, not '{RequestPath}'.";
        }

        foreach (var problem in MediaSigningKeys.Problems(SigningKey, "Storage:Local:SigningKey"))
        {
            yield return problem;
        }
    }
}

/// <summary>
/// Media on the local disk, served by the app itself under <c>/media/</c> (see <see cref="LocalMediaEndpoints"/>).
/// Private files are served only with <c>?e=deadline&amp;token=HMAC</c>, the same shape as Qiniu's signed URLs.
/// </summary>
public sealed class LocalFileStore : IFileStore
{
    private readonly string root;

    public LocalFileStore(IOptions<LocalStorageOptions> options, IHostEnvironment environment, TimeProvider clock)
    {
        root = ResolveRoot(options.Value, environment);
        Urls = new SignedMediaUrls(options.Value.RequestPath, options.Value.SigningKey, clock);
        Directory.CreateDirectory(root);
    }

    /// <summary>The URLs the app serves this store's files under, signed for private files.</summary>
    public SignedMediaUrls Urls { get; }

    public StorageProvider Provider => StorageProvider.Local;

    public string RootPath => root;

    public string RequestPath => Urls.RequestPath;

    public static string ResolveRoot(LocalStorageOptions options, IHostEnvironment environment) =>
        Path.GetFullPath(Path.Combine(environment.ContentRootPath, options.Root));

    public async Task SaveAsync(string key, Stream content, string contentType, CancellationToken ct = default)
    {
        var path = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        // Write beside the target and move into place, so a reader never sees half a file.
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                await content.CopyToAsync(file, ct);
            }

            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    public Task<StoredFile?> StatAsync(string key, CancellationToken ct = default)
    {
        var info = new FileInfo(PathOf(key));
        return Task.FromResult(info.Exists
            ? new StoredFile(key, info.Length, MediaRules.ContentTypeOf(key), info.LastWriteTimeUtc)
            : null);
    }

    public Task<Stream> OpenReadAsync(string key, CancellationToken ct = default) =>
        Task.FromResult<Stream>(new FileStream(PathOf(key), FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true));

    public Task<Stream> OpenReadAsync(string key, long offset, long? length, CancellationToken ct = default)
    {
        var file = new FileStream(PathOf(key), FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
        file.Position = Math.Min(offset, file.Length);
        return Task.FromResult<Stream>(length is { } n ? new BoundedStream(file, n) : file);
    }

    public Task DeleteAsync(string key, CancellationToken ct = default)
    {
        var path = PathOf(key);
        if (File.Exists(path))
        {
            File.Delete(path);
        }

        return Task.CompletedTask;
    }

    public string GetPublicUrl(string key) => Urls.PublicUrl(key);

    public string GetPrivateUrl(string key, TimeSpan lifetime) => Urls.PrivateUrl(key, lifetime);

    /// <summary>The file's path on disk, refusing any key that could leave the media root.</summary>
    public string PathOf(string key)
    {
        var path = Path.GetFullPath(Path.Combine(root, StorageKeys.Require(key)));
        // Belt and braces: the key rules already forbid "..", but never touch a file outside the root.
        if (!path.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{key}' points outside the media root.", nameof(key));
        }

        return path;
    }
}
