using LuffyBlazor.Features.Storage.FastDfs;
using LuffyBlazor.Features.Storage.Local;
using LuffyBlazor.Features.Storage.Qiniu;
using LuffyBlazor.Features.Storage.S3;
using LuffyBlazor.Features.Storage.Uploads;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Features.Storage;

/// <summary>Section <c>Storage</c>: which store holds the media, and the rules every upload obeys.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary><c>Local</c> (default), <c>Qiniu</c>, <c>S3</c> or <c>FastDfs</c>.</summary>
    public StorageProvider Provider { get; set; } = StorageProvider.Local;

    /// <summary>How long a signed URL (a lesson video, a file in a private bucket) keeps working.</summary>
    public TimeSpan SignedUrlLifetime { get; set; } = TimeSpan.FromHours(2);

    /// <summary>How long a browser's direct-upload ticket (one key) stays valid.</summary>
    public TimeSpan UploadTicketLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Largest image (cover, avatar) an upload may store.</summary>
    public long MaxImageBytes { get; set; } = 5 * 1024 * 1024;

    /// <summary>Largest video an upload may store: lessons of several GB go up in parts, resumable, to every store.</summary>
    public long MaxVideoBytes { get; set; } = 10L * 1024 * 1024 * 1024;

    /// <summary>The largest <see cref="MaxVideoBytes"/> accepted: 1 TB.</summary>
    public const long MaxVideoBytesLimit = 1L << 40;
}

/// <summary>
/// Start-up checks of the storage settings: the common ones, and those of the provider in use (a store that is not
/// used is not checked). Every message names the setting.
/// </summary>
public sealed class StorageOptionsValidator(
    IOptions<LocalStorageOptions> local, IOptions<QiniuOptions> qiniu, IOptions<S3StorageOptions> s3, IOptions<FastDfsOptions> fastDfs, IOptions<UploadOptions> uploads,
    IHostEnvironment environment)
    : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        var failures = new List<string>();
        if (!Enum.IsDefined(options.Provider))
        {
            failures.Add($"Storage:Provider must be Local, Qiniu, S3 or FastDfs, not '{options.Provider}'.");
        }

        if (options.SignedUrlLifetime < TimeSpan.FromMinutes(1) || options.SignedUrlLifetime > TimeSpan.FromDays(7))
        {
            failures.Add("Storage:SignedUrlLifetime must be between 00:01:00 and 7.00:00:00 (S3 presigned URLs live at most 7 days).");
        }

        if (options.UploadTicketLifetime < TimeSpan.FromMinutes(1) || options.UploadTicketLifetime > TimeSpan.FromHours(12))
        {
            failures.Add("Storage:UploadTicketLifetime must be between 00:01:00 and 12:00:00.");
        }

        if (options.MaxImageBytes <= 0)
        {
            failures.Add("Storage:MaxImageBytes must be positive.");
        }

        if (options.MaxVideoBytes <= 0 || options.MaxVideoBytes > StorageOptions.MaxVideoBytesLimit)
        {
            failures.Add("Storage:MaxVideoBytes must be positive and at most 1 TB (1099511627776).");
        }

        failures.AddRange(uploads.Value.Problems());
        failures.AddRange(ProblemsOf(options.Provider));
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>What is wrong with one provider's settings (also asked by <c>storage migrate --to</c>).</summary>
    public IEnumerable<string> ProblemsOf(StorageProvider provider) => provider switch
    {
        StorageProvider.Local => local.Value.Problems(environment),
        StorageProvider.Qiniu => qiniu.Value.Problems(),
        StorageProvider.S3 => s3.Value.Problems(),
        StorageProvider.FastDfs => fastDfs.Value.Problems(),
        _ => [],
    };
}
