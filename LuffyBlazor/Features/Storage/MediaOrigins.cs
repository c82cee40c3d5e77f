namespace LuffyBlazor.Features.Storage;

/// <summary>
/// Where browsers load course media from and upload it to, for the Content-Security-Policy: the origins of the URLs
/// the configured store itself writes (a cover's public URL, a lesson video's signed URL), and the hosts the store has
/// browsers upload straight to (<see cref="IFileStore.BrowserUploadOrigins"/>: Qiniu's upload hosts, S3's endpoint). Asking the store rather than reading its settings again means the policy
/// names exactly the hosts the pages use (a Qiniu domain, an S3 endpoint or bucket host, a CDN base URL). Local
/// media is served by the app itself under <c>/media</c> and adds nothing.
/// </summary>
public sealed class MediaOrigins
{
    private const string SomeCover = "covers/origin-probe.png";
    private const string SomeVideo = StorageKeys.PrivatePrefix + "videos/origin-probe.mp4";

    public MediaOrigins(IFileStore files)
    {
        Downloads = new[] { files.GetPublicUrl(SomeCover), files.GetPrivateUrl(SomeVideo, TimeSpan.FromMinutes(1)) }
            .Select(OriginOf).OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        Uploads = files.BrowserUploadOrigins;
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
