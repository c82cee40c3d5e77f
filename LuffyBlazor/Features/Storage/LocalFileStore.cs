using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Features.Storage;

public sealed class LocalStorageOptions
{
    public const string Section = "Storage:Local";

    /// <summary>Folder of the files, relative to the content root.</summary>
    public string Root { get; set; } = "App_Data/media";

    /// <summary>URL path the files are served under.</summary>
    public string RequestPath { get; set; } = "/media";
}

/// <summary>Media on the local disk, served by the app itself under <c>/media/</c>.</summary>
public sealed class LocalFileStore : IFileStore
{
    private static readonly FileExtensionContentTypeProvider ContentTypes = new();
    private readonly string root;
    private readonly string requestPath;

    public LocalFileStore(IOptions<LocalStorageOptions> options, IHostEnvironment environment)
    {
        root = ResolveRoot(options.Value, environment);
        requestPath = options.Value.RequestPath.TrimEnd('/');
        Directory.CreateDirectory(root);
    }

    public string RootPath => root;

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
            ? new StoredFile(key, info.Length, ContentTypeOf(key), info.LastWriteTimeUtc)
            : null);
    }

    public Task<Stream> OpenReadAsync(string key, CancellationToken ct = default) =>
        Task.FromResult<Stream>(new FileStream(PathOf(key), FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true));

    public Task DeleteAsync(string key, CancellationToken ct = default)
    {
        File.Delete(PathOf(key));
        return Task.CompletedTask;
    }

    public string GetPublicUrl(string key) => $"{requestPath}/{StorageKeys.Require(key)}";

    public static string ContentTypeOf(string key) =>
        ContentTypes.TryGetContentType(key, out var type) ? type : "application/octet-stream";

    private string PathOf(string key)
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
