using System.Security.Cryptography;
using System.Text;
using LuffyBlazor.Common;
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

        if (string.IsNullOrWhiteSpace(SigningKey))
        {
            yield return "Storage:Local:SigningKey is required outside Development: a random secret of at least 32 bytes that signs lesson video URLs.";
        }
        else if (Encoding.UTF8.GetByteCount(SigningKey) < 32)
        {
            yield return "Storage:Local:SigningKey must be at least 32 bytes long.";
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
    private readonly string requestPath;
    private readonly byte[] signingKey;
    private readonly TimeProvider clock;

    public LocalFileStore(IOptions<LocalStorageOptions> options, IHostEnvironment environment, TimeProvider clock)
    {
        root = ResolveRoot(options.Value, environment);
        requestPath = options.Value.RequestPath.TrimEnd('/');
        signingKey = Encoding.UTF8.GetBytes(options.Value.SigningKey);
        this.clock = clock;
        Directory.CreateDirectory(root);
    }

    public StorageProvider Provider => StorageProvider.Local;

    public string RootPath => root;

    public string RequestPath => requestPath;

    public static string ResolveRoot(LocalStorageOptions options, IHostEnvironment environment) =>
        Path.GetFullPath(Path.Combine(environment.ContentRootPath, options.Root));

    /// <summary>Makes <c>Storage:Local:SigningKey</c> in Development when it is not set, like the JWT key.</summary>
    public static void GenerateDevelopmentKey(LocalStorageOptions options, IConfiguration configuration, IHostEnvironment environment)
    {
        if (string.IsNullOrWhiteSpace(options.SigningKey) && environment.IsDevelopment())
        {
            options.SigningKey = KeysDirectory.GetOrCreateSecret(
                KeysDirectory.Resolve(configuration, environment), LocalStorageOptions.DevelopmentKeyFile,
                () => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        }
    }

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

    public string GetPublicUrl(string key) => $"{requestPath}/{StorageKeys.Require(key)}";

    public string GetPrivateUrl(string key, TimeSpan lifetime)
    {
        var deadline = SignedUrlDeadline.From(clock.GetUtcNow(), lifetime);
        return $"{GetPublicUrl(key)}?e={deadline}&token={Sign(key, deadline)}";
    }

    /// <summary>
    /// True when <paramref name="token"/> is this app's signature of the key and deadline and the deadline has not
    /// passed. Compared in constant time.
    /// </summary>
    public bool IsValidSignature(string key, string? deadline, string? token)
    {
        if (!long.TryParse(deadline, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var e)
            || string.IsNullOrEmpty(token) || e < clock.GetUtcNow().ToUnixTimeSeconds())
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(key, e)), Encoding.ASCII.GetBytes(token));
    }

    /// <summary>Seconds until a (valid) signed URL's deadline: how long a browser may cache what it serves.</summary>
    public long SecondsLeft(string deadline) =>
        Math.Max(0, long.Parse(deadline, System.Globalization.CultureInfo.InvariantCulture) - clock.GetUtcNow().ToUnixTimeSeconds());

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

    private string Sign(string key, long deadline)
    {
        var mac = HMACSHA256.HashData(signingKey, Encoding.UTF8.GetBytes($"{key}\n{deadline}"));
        return Convert.ToBase64String(mac).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }
}
