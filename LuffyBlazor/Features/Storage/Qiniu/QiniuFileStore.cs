using Microsoft.Extensions.Options;

namespace LuffyBlazor.Features.Storage.Qiniu;

/// <summary>
/// Media in Qiniu Kodo. Keys under <c>private/</c> go to <see cref="QiniuOptions.PrivateBucket"/> when there is one;
/// a private bucket's URLs are always signed (<c>?e=deadline&amp;token=AK:sign</c>), a public bucket's are plain.
/// </summary>
public sealed class QiniuFileStore(QiniuClient client, IOptions<QiniuOptions> options, IOptions<StorageOptions> storage, TimeProvider clock)
    : IFileStore
{
    private QiniuOptions Options => options.Value;

    public StorageProvider Provider => StorageProvider.Qiniu;

    /// <summary>The bucket and download domain of a key, and whether that bucket is private.</summary>
    public (string Bucket, string Domain, bool Private) Locate(string key) =>
        StorageKeys.IsPrivate(StorageKeys.Require(key)) && Options.HasPrivateBucket
            ? (Options.PrivateBucket, Options.PrivateDomain.TrimEnd('/'), true)
            : (Options.Bucket, Options.Domain.TrimEnd('/'), Options.Private);

    public async Task SaveAsync(string key, Stream content, string contentType, CancellationToken ct = default) =>
        await client.UploadAsync(Locate(key).Bucket, key, content, contentType, ct);

    public async Task<StoredFile?> StatAsync(string key, CancellationToken ct = default) =>
        await client.StatAsync(Locate(key).Bucket, key, ct) is { } stat
            ? new StoredFile(key, stat.Size, stat.MimeType, stat.LastModified)
            : null;

    public Task<Stream> OpenReadAsync(string key, CancellationToken ct = default) =>
        client.DownloadAsync(GetPrivateUrl(key, TimeSpan.FromMinutes(30)), null, ct);

    public Task<Stream> OpenReadAsync(string key, long offset, long? length, CancellationToken ct = default) =>
        client.DownloadAsync(GetPrivateUrl(key, TimeSpan.FromMinutes(30)), new System.Net.Http.Headers.RangeHeaderValue(offset, length is { } n ? offset + n - 1 : null), ct);

    public Task DeleteAsync(string key, CancellationToken ct = default) => client.DeleteAsync(Locate(key).Bucket, key, ct);

    public string GetPublicUrl(string key)
    {
        var (_, domain, isPrivate) = Locate(key);
        var url = $"{domain}/{key}";
        return isPrivate ? Sign(url, storage.Value.SignedUrlLifetime) : url;
    }

    public string GetPrivateUrl(string key, TimeSpan lifetime)
    {
        var (_, domain, isPrivate) = Locate(key);
        var url = $"{domain}/{key}";
        // A private key in a public bucket never happens: the options validator refuses that configuration.
        return isPrivate || StorageKeys.IsPrivate(key) ? Sign(url, lifetime) : url;
    }

    /// <summary>
    /// The region's upload hosts, and every host under <c>qiniup.com</c> (the region query may name others, e.g. an
    /// accelerated one); <see cref="QiniuOptions.UploadHost"/> alone when it is set.
    /// </summary>
    public IReadOnlyList<string> BrowserUploadOrigins =>
        [.. Options.StaticUploadHosts.Select(h => h.GetLeftPart(UriPartial.Authority)),
            .. string.IsNullOrWhiteSpace(Options.UploadHost) ? [$"{Options.Scheme}://*.qiniup.com"] : Array.Empty<string>()];

    private string Sign(string url, TimeSpan lifetime) =>
        QiniuSignature.PrivateDownloadUrl(Options.AccessKey, Options.SecretKey, url, SignedUrlDeadline.From(clock.GetUtcNow(), lifetime));
}
