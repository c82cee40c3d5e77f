using System.Text.RegularExpressions;

namespace LuffyBlazor.Features.Storage.Qiniu;

/// <summary>Section <c>Storage:Qiniu</c>. The keys come from the environment or user secrets, never from git.</summary>
public sealed partial class QiniuOptions
{
    public const string Section = "Storage:Qiniu";

    public string AccessKey { get; set; } = "";
    public string SecretKey { get; set; } = "";

    /// <summary>The bucket (空间) of covers and avatars, and of everything when there is no <see cref="PrivateBucket"/>.</summary>
    public string Bucket { get; set; } = "";

    /// <summary>The bucket's download domain with its scheme, e.g. <c>https://cdn.example.com</c>.</summary>
    public string Domain { get; set; } = "";

    /// <summary>Region id of the bucket(s): <c>z0</c> 华东-浙江, <c>cn-east-2</c> 华东-浙江2, <c>z1</c> 华北, <c>z2</c> 华南, <c>na0</c>, <c>as0</c>…</summary>
    public string Region { get; set; } = "z0";

    /// <summary>The bucket is private: every URL, covers included, is signed.</summary>
    public bool Private { get; set; }

    /// <summary>
    /// Optional second, private bucket for keys under <c>private/</c> (lesson videos) while <see cref="Bucket"/> stays
    /// public. Same region and account.
    /// </summary>
    public string PrivateBucket { get; set; } = "";

    /// <summary>Download domain of <see cref="PrivateBucket"/>.</summary>
    public string PrivateDomain { get; set; } = "";

    /// <summary>Use HTTPS for the upload and management hosts (browsers on an HTTPS site need it for direct upload).</summary>
    public bool UseHttps { get; set; } = true;

    /// <summary>Upload host override (<c>https://up-z2.qiniup.com</c>, a private cloud, a test server); empty: from the region.</summary>
    public string UploadHost { get; set; } = "";

    /// <summary>Management (rs) host override; empty: <c>rs-{region}.qiniuapi.com</c>.</summary>
    public string ManagementHost { get; set; } = "";

    /// <summary><c>Qiniu</c> (current, signs method, host and a timestamp) or <c>QBox</c> (legacy) management authorization.</summary>
    public string Authorization { get; set; } = "Qiniu";

    /// <summary>Per attempt of a request; uploads of large videos need minutes.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Attempts of a request, on one upload host, that failed with a 5xx answer or a timeout.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>
    /// The region query (uc) host that lists the bucket's upload hosts, override of <c>uc.qiniuapi.com</c> (then its
    /// backups <c>kodo-config.qiniuapi.com</c>, <c>uc.qbox.me</c>); ignored when <see cref="UploadHost"/> is set.
    /// </summary>
    public string UcHost { get; set; } = "";

    /// <summary>Part size of resumable uploads (分片上传 v2), browser and server alike: 1 MB to 1 GB.</summary>
    public int PartSize { get; set; } = 4 * 1024 * 1024;

    public string Scheme => UseHttps ? "https" : "http";

    /// <summary>
    /// The region's upload hosts when the region query cannot be asked: the CDN-accelerated one, then the source one,
    /// as the official SDKs' static regions list them. <see cref="UploadHost"/> alone when it is set.
    /// </summary>
    public IReadOnlyList<Uri> StaticUploadHosts => !string.IsNullOrWhiteSpace(UploadHost)
        ? [new Uri(UploadHost.TrimEnd('/') + "/")]
        : Region == "z0"
            ? [new Uri($"{Scheme}://upload.qiniup.com/"), new Uri($"{Scheme}://up.qiniup.com/")]
            : [new Uri($"{Scheme}://upload-{Region}.qiniup.com/"), new Uri($"{Scheme}://up-{Region}.qiniup.com/")];

    /// <summary>Region query hosts, in the order the official SDKs ask them.</summary>
    public IReadOnlyList<Uri> UcHosts => !string.IsNullOrWhiteSpace(UcHost)
        ? [new Uri(UcHost.TrimEnd('/') + "/")]
        : [new Uri($"{Scheme}://uc.qiniuapi.com/"), new Uri($"{Scheme}://kodo-config.qiniuapi.com/"), new Uri($"{Scheme}://uc.qbox.me/")];

    public Uri ManagementUri => new(!string.IsNullOrWhiteSpace(ManagementHost)
        ? ManagementHost.TrimEnd('/') + "/"
        : $"{Scheme}://rs-{Region}.qiniuapi.com/");

    public bool HasPrivateBucket => !string.IsNullOrWhiteSpace(PrivateBucket);

    public IEnumerable<string> Problems()
    {
        foreach (var (value, name) in new[] { (AccessKey, "AccessKey"), (SecretKey, "SecretKey"), (Bucket, "Bucket"), (Domain, "Domain") })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                yield return $"Storage:Qiniu:{name} is required when Storage:Provider is Qiniu.";
            }
        }

        foreach (var (value, name) in new[] { (Domain, "Domain"), (PrivateDomain, "PrivateDomain") })
        {
            if (!string.IsNullOrWhiteSpace(value) && !IsOrigin(value))
            {
                yield return $"Storage:Qiniu:{name} must be the bucket's download domain with its scheme and nothing after it, e.g. https://cdn.example.com, not '{value}'.";
            }
        }

        foreach (var (value, name) in new[] { (UploadHost, "UploadHost"), (ManagementHost, "ManagementHost"), (UcHost, "UcHost") })
        {
            if (!string.IsNullOrWhiteSpace(value) && !IsOrigin(value))
            {
                yield return $"Storage:Qiniu:{name} must be an http(s) origin such as https://up-z2.qiniup.com, not '{value}'.";
            }
        }

        if (!RegionId().IsMatch(Region ?? ""))
        {
            yield return $"Storage:Qiniu:Region must be a Qiniu region id such as z0, z1, z2, cn-east-2, na0 or as0, not '{Region}'.";
        }

        if (!Private && !HasPrivateBucket)
        {
            yield return "Storage:Qiniu: lesson videos would be public. Make the bucket private (Storage:Qiniu:Private=true) or put them in a private bucket (Storage:Qiniu:PrivateBucket and PrivateDomain).";
        }

        if (HasPrivateBucket && string.IsNullOrWhiteSpace(PrivateDomain))
        {
            yield return "Storage:Qiniu:PrivateDomain is required with Storage:Qiniu:PrivateBucket.";
        }

        if (Authorization is not ("Qiniu" or "QBox"))
        {
            yield return $"Storage:Qiniu:Authorization must be Qiniu or QBox, not '{Authorization}'.";
        }

        if (Timeout < TimeSpan.FromSeconds(1) || Timeout > TimeSpan.FromHours(1))
        {
            yield return "Storage:Qiniu:Timeout must be between 00:00:01 and 01:00:00.";
        }

        if (MaxAttempts is < 1 or > 10)
        {
            yield return "Storage:Qiniu:MaxAttempts must be between 1 and 10.";
        }

        if (PartSize is < 1024 * 1024 or > 1024 * 1024 * 1024)
        {
            yield return "Storage:Qiniu:PartSize must be between 1048576 (1 MB) and 1073741824 (1 GB), Qiniu's limits for a part.";
        }
    }

    private static bool IsOrigin(string value) =>
        Uri.TryCreate(value.TrimEnd('/'), UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && uri.AbsolutePath == "/" && string.IsNullOrEmpty(uri.Query);

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex RegionId();
}
