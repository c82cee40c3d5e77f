using Microsoft.Extensions.Options;

namespace LuffyBlazor.Features.Storage.FastDfs;

/// <summary>
/// Media in a FastDFS cluster. FastDFS names its files, so each key maps to a file id (<see cref="IFastDfsFileIndex"/>,
/// in the database); the key and content type are also stored as the file's FastDFS metadata, so a cluster's files
/// can be told apart without the app. A stream of known length is uploaded in one request, streamed; one of unknown
/// length grows an appender file chunk by chunk, so memory stays at one chunk. Replacing a key uploads the new file
/// first, points the key at it, then deletes the old one: readers never meet a missing file. The app serves the
/// files itself under <see cref="FastDfsOptions.RequestPath"/> (<see cref="AppServedMedia"/>), with range requests
/// and the same signed URLs for private files as the local store.
/// </summary>
public sealed class FastDfsFileStore(FastDfsClient client, IFastDfsFileIndex index, IOptions<FastDfsOptions> options, TimeProvider clock)
    : IFileStore
{
    private FastDfsOptions Options => options.Value;

    public StorageProvider Provider => StorageProvider.FastDfs;

    public SignedMediaUrls Urls => field ??= new SignedMediaUrls(Options.RequestPath, Options.SigningKey, clock);

    public async Task SaveAsync(string key, Stream content, string contentType, CancellationToken ct = default)
    {
        StorageKeys.Require(key);
        var extension = Path.GetExtension(key);
        string fileId;
        long length;
        if (content.CanSeek)
        {
            length = content.Length - content.Position;
            fileId = await client.UploadAsync(content, length, extension, appender: false, ct);
        }
        else
        {
            (fileId, length) = await AppendChunksAsync(content, extension, ct);
        }

        await PublishAsync(key, fileId, length, contentType, ct);
    }

    /// <summary>Points the key at a complete file (its metadata first), then deletes the file it pointed at before.</summary>
    public async Task PublishAsync(string key, string fileId, long length, string contentType, CancellationToken ct)
    {
        await client.SetMetadataAsync(fileId, new Dictionary<string, string> { ["key"] = key, ["content-type"] = contentType }, ct: ct);
        var previous = await index.PutAsync(key, fileId, length, clock.GetUtcNow().UtcDateTime, ct);
        if (previous is not null && previous != fileId)
        {
            await client.DeleteAsync(previous, ct);
        }
    }

    /// <summary>Adds a chunk to an upload in progress: the first one creates the appender file. Answers its file id.</summary>
    public async Task<string> AppendAsync(string? fileId, string key, Stream chunk, long length, CancellationToken ct)
    {
        if (fileId is null)
        {
            return await client.UploadAsync(chunk, length, Path.GetExtension(key), appender: true, ct);
        }

        await client.AppendAsync(fileId, chunk, length, ct);
        return fileId;
    }

    public Task DiscardAsync(string fileId, CancellationToken ct) => client.DeleteAsync(fileId, ct);

    public async Task<StoredFile?> StatAsync(string key, CancellationToken ct = default)
    {
        if (await index.FindAsync(StorageKeys.Require(key), ct) is not { } entry || await client.QueryFileInfoAsync(entry.FileId, ct) is not { } info)
        {
            return null;
        }

        return new StoredFile(key, info.Size, MediaRules.ContentTypeOf(key), info.CreatedAt);
    }

    public Task<Stream> OpenReadAsync(string key, CancellationToken ct = default) => OpenReadAsync(key, 0, null, ct);

    public async Task<Stream> OpenReadAsync(string key, long offset, long? length, CancellationToken ct = default)
    {
        var entry = await index.FindAsync(StorageKeys.Require(key), ct)
            ?? throw new FileNotFoundException($"No FastDFS file is stored under '{key}'.", key);
        return await client.DownloadAsync(entry.FileId, offset, length, ct);
    }

    public async Task DeleteAsync(string key, CancellationToken ct = default)
    {
        if (await index.RemoveAsync(StorageKeys.Require(key), ct) is { } fileId)
        {
            await client.DeleteAsync(fileId, ct);
        }
    }

    public string GetPublicUrl(string key) => Urls.PublicUrl(key);

    public string GetPrivateUrl(string key, TimeSpan lifetime) => Urls.PrivateUrl(key, lifetime);

    private async Task<(string FileId, long Length)> AppendChunksAsync(Stream content, string extension, CancellationToken ct)
    {
        var buffer = new byte[Options.ChunkSize];
        string? fileId = null;
        long total = 0;
        try
        {
            int read;
            while ((read = await content.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct)) > 0 || fileId is null)
            {
                using var chunk = new MemoryStream(buffer, 0, read, writable: false);
                if (fileId is null)
                {
                    fileId = await client.UploadAsync(chunk, read, extension, appender: true, ct);
                }
                else
                {
                    await client.AppendAsync(fileId, chunk, read, ct);
                }

                total += read;
                if (read < buffer.Length)
                {
                    break;
                }
            }

            return (fileId!, total);
        }
        catch when (fileId is not null)
        {
            await client.DeleteAsync(fileId, CancellationToken.None);
            throw;
        }
    }
}
