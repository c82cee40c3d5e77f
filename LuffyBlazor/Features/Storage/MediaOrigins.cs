using LuffyBlazor.Features.Storage.Qiniu;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Features.Storage;

/// <summary>
/// Where browsers load course media from and upload it to, for the Content-Security-Policy: the origins of the URLs
/// the configured store itself writes (a cover's public URL, a lesson video's signed URL), and Qiniu's upload host
/// when browsers upload straight to Qiniu. Asking the store rather than reading its settings again means the policy
/// names exactly the hosts the pages use (a Qiniu domain, an S3 endpoint or bucket host, a CDN base URL). Local
/// media is served by the app itself under <c>/media</c> and adds nothing.
/// </summary>
public sealed class MediaOrigins
{
    private const string SomeCover = "covers/origin-probe.png";
    private const string SomeVideo = StorageKeys.PrivatePrefix + "videos/origin-probe.mp4";

    public MediaOrigins(IFileStore files, IOptions<StorageOptions> storage, IOptions<QiniuOptions> qiniu)
    {
        Downloads = new[] { files.GetPublicUrl(SomeCover), files.GetPrivateUrl(SomeVideo, TimeSpan.FromMinutes(1)) }
            .Select(OriginOf).OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        Uploads = storage.Value.Provider == StorageProvider.Qiniu && OriginOf(qiniu.Value.UploadUri.AbsoluteUri) is { } upload ? [upload] : [];
    }

    /// <summary>Origins of images and videos (none for local media).</summary>
    public IReadOnlyList<string> Downloads { get; }

    /// <summary>Origins browsers send uploads to, other than this app.</summary>
    public IReadOnlyList<string> Uploads { get; }

    /// <summary><c>https://cdn.example.com</c> for an absolute http(s) URL; null for a path on this app.</summary>
    public static string? OriginOf(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri.GetLeftPart(UriPartial.Authority)
            : null;
}
